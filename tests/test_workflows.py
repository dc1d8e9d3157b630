"""The CI files a territory publishes with: valid for GitHub and GitLab, no security finding."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO)


def test_github_workflows_match_github_s_schema():
    assert [p.name for p in WORKFLOWS] == [
        "check.yml",
        "events.yml",
        "federation.yml",
        "freshness.yml",
        "publish.yml",
    ]
    result = run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_ci_matches_gitlab_s_schema():
    result = run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(REPO / ".gitlab-ci.yml")
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_in_the_workflows():
    result = run(str(BIN / "zizmor"), "--offline", "--no-progress", str(REPO / ".github/workflows"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actions_are_pinned_by_commit_and_permissions_are_per_job():
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow["permissions"] == {}, path.name
        for name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{path.name}: {name}"
            for step in job.get("steps", []):
                if "uses" in step:
                    ref = step["uses"].partition("@")[2]
                    assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]


def test_publishing_runs_on_main_and_every_night_and_deploys_to_pages():
    workflow = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and triggers["schedule"][0]["cron"]
    uses = [s["uses"].split("@")[0] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert uses == [
        "actions/checkout",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]


# -- the weekly pull of the neighbouring directories: a failure is seen ------------------------

PEER_OK = "https://a.example.org : 1 ajoutée(s), 0 modifiée(s), 0 retirée(s), 0 rejetée(s) → federation/a/"
PEER_FAILED = (
    "https://b.example.org : ÉCHEC, https://b.example.org/federation.json : délai dépassé ; "
    "l'instantané précédent est conservé"
)
PULLS = {  # what `essaim federation pull` prints, whether it changes federation/, its status
    "one peer failed": ([PEER_OK, PEER_FAILED], True, 1),
    "essaim cannot run": (["ModuleNotFoundError: No module named 'requests'"], False, 1),
    "nothing new": (
        ["https://a.example.org : 0 ajoutée(s), 0 modifiée(s), 0 retirée(s), 0 rejetée(s)"],
        False,
        0,
    ),
    "all pulled": ([PEER_OK], True, 0),
}


def pull_sandbox(tmp_path: Path, pull: str, folder: str = "federation") -> tuple[Path, dict[str, str]]:
    """A territory's checkout with a stand-in `essaim` (as PULLS says), `gh` and `git push`
    recorded in calls.txt; the environment to run a job's shell in."""
    lines, changes, status = PULLS[pull]
    repo, stubs = tmp_path / "repo", tmp_path / "bin"
    (repo / ".venv/bin").mkdir(parents=True)
    stubs.mkdir()
    (repo / folder / "a").mkdir(parents=True)
    (repo / folder / "a/actors.json").write_text("[]\n")
    (repo / ".gitignore").write_text(".venv/\npull.txt\nbody.md\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "snapshots"], cwd=repo, check=True)
    printed = "\n".join(f"echo {shlex.quote(line)}" for line in lines)
    change = f'echo "[1]" > {folder}/a/actors.json' if changes else ""
    essaim = repo / ".venv/bin/essaim"
    essaim.write_text(f"#!/bin/sh\n{printed}\n{change}\nexit {status}\n")
    calls = tmp_path / "calls.txt"
    (stubs / "gh").write_text(
        f'#!/bin/sh\necho "gh $*" >> {calls}\n'
        f'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cat "$2" >> {calls}; shift; done\n'
    )
    real_git = shutil.which("git")
    (stubs / "git").write_text(
        f'#!/bin/sh\nif [ "$1" = push ]; then echo "git $*" >> {calls}; exit 0; fi\nexec {real_git} "$@"\n'
    )
    for stub in (essaim, stubs / "gh", stubs / "git"):
        stub.chmod(0o755)
    env = {
        "PATH": f"{stubs}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GH_TOKEN": "token",
        "GITHUB_REPOSITORY": "territoire/annuaire",
        "FEDERATION_TOKEN": "token",
        "EVENTS_TOKEN": "token",
        "CI_SERVER_HOST": "gitlab.example.org",
        "CI_PROJECT_PATH": "territoire/annuaire",
    }
    return repo, env


def shell(script: str, repo: Path, env: dict[str, str], *options: str) -> subprocess.CompletedProcess:
    file = repo.parent / "step.sh"
    file.write_text(script)
    return subprocess.run(["bash", *options, str(file)], cwd=repo, env=env, capture_output=True, text=True)


def github_pull_job(
    tmp_path: Path, pull: str, workflow_file: str = "federation.yml", folder: str = "federation"
) -> tuple[subprocess.CompletedProcess, str]:
    """A pull workflow's two steps, as GitHub runs them (`bash -e`), step outputs passed on."""
    repo, env = pull_sandbox(tmp_path, pull, folder)
    workflow = yaml.safe_load((REPO / ".github/workflows" / workflow_file).read_text(encoding="utf-8"))
    steps = {s["name"].split(" ")[0]: s for s in workflow["jobs"]["pull"]["steps"] if "name" in s}
    outputs = tmp_path / "outputs.txt"
    outputs.touch()
    first = shell(steps["Récupérer"]["run"], repo, {**env, "GITHUB_OUTPUT": str(outputs)}, "-e")
    assert first.returncode == 0, first.stdout + first.stderr  # the job goes on to propose what came
    status = dict(line.split("=", 1) for line in outputs.read_text().splitlines()).get("status", "")
    second = shell(steps["Proposer"]["run"], repo, {**env, "PULL_STATUS": status}, "-e")
    calls = tmp_path / "calls.txt"
    return second, calls.read_text() if calls.exists() else ""


def gitlab_pull_job(
    tmp_path: Path, pull: str, job: str = "federation", folder: str = "federation"
) -> tuple[subprocess.CompletedProcess, str]:
    """A GitLab pull job's script after its install line, in one shell (`bash -e`)."""
    repo, env = pull_sandbox(tmp_path, pull, folder)
    script = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))[job]["script"]
    assert "pip install" in script[0]
    result = shell("\n".join(script[1:]), repo, env, "-e", "-o", "pipefail")
    calls = tmp_path / "calls.txt"
    return result, calls.read_text() if calls.exists() else ""


def test_github_a_failed_peer_is_named_in_the_pull_request_and_the_job_is_red(tmp_path):
    result, calls = github_pull_job(tmp_path, "one peer failed")
    assert result.returncode == 1
    assert "gh pr create" in calls and PEER_FAILED in calls and PEER_OK in calls
    assert "Rien de nouveau" not in result.stdout


def test_github_a_pull_that_cannot_run_is_red_and_proposes_nothing(tmp_path):
    result, calls = github_pull_job(tmp_path, "essaim cannot run")
    assert result.returncode == 1
    assert calls == "" and "Rien de nouveau" not in result.stdout


def test_github_a_quiet_week_and_a_good_one(tmp_path):
    result, calls = github_pull_job(tmp_path / "quiet", "nothing new")
    assert (result.returncode, calls) == (0, "") and "Rien de nouveau chez les voisins." in result.stdout
    result, calls = github_pull_job(tmp_path / "good", "all pulled")
    assert result.returncode == 0 and "gh pr create" in calls and PEER_OK in calls


def test_gitlab_a_failed_peer_is_named_in_the_merge_request_and_the_job_fails(tmp_path):
    result, calls = gitlab_pull_job(tmp_path, "one peer failed")
    assert result.returncode == 1
    assert "merge_request.create" in calls and f"merge_request.description={PEER_FAILED}" in calls


def test_gitlab_a_pull_that_cannot_run_fails_and_proposes_nothing(tmp_path):
    result, calls = gitlab_pull_job(tmp_path, "essaim cannot run")
    assert result.returncode == 1 and calls == ""
    result, calls = gitlab_pull_job(tmp_path / "quiet", "nothing new")
    assert (result.returncode, calls) == (0, "")


# -- the monthly issue of records to confirm ---------------------------------------------------

STALE_LIST = "## Fiches à faire confirmer (1)"
REGISTRY_FAILED = "- `actors/a.md` : délai dépassé"  # as `check registry --format markdown` says it


def freshness_sandbox(tmp_path: Path, stale: str, registry_status: int, open_issue: str, links: str = ""):
    """A checkout with a stand-in `essaim` (stale prints `stale`; check registry exits with
    `registry_status`, naming a failure when it fails) and `gh` (an open issue numbered
    `open_issue`, or none), every call of `gh` and issue body recorded in calls.txt."""
    repo, stubs = tmp_path / "repo", tmp_path / "bin"
    (repo / ".venv/bin").mkdir(parents=True)
    stubs.mkdir()
    failure = f"echo {shlex.quote(REGISTRY_FAILED)}" if registry_status else ""
    (repo / ".venv/bin/essaim").write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = stale ]; then printf %s {shlex.quote(stale)}; exit 0; fi\n'
        f'if [ "$2" = links ]; then echo {shlex.quote(links or "## Liens à corriger (1)")}; exit 0; fi\n'
        f"{failure}\necho 'Le répertoire Sirene confirme les SIRET de toutes les fiches.'\n"
        f"exit {registry_status}\n"
    )
    calls = tmp_path / "calls.txt"
    (stubs / "gh").write_text(
        f'#!/bin/sh\necho "gh $*" >> {calls}\n'
        f'if [ "$1 $2" = "issue list" ]; then echo {shlex.quote(open_issue)}; fi\n'
        f'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cat "$2" >> {calls}; shift; done\n'
    )
    for stub in (repo / ".venv/bin/essaim", stubs / "gh"):
        stub.chmod(0o755)
    env = {"PATH": f"{stubs}:{os.environ['PATH']}", "HOME": str(tmp_path), "GH_TOKEN": "token"}
    return repo, env, calls


def github_freshness_job(
    tmp_path: Path, stale: str, registry_status: int = 0, open_issue: str = "", links: str = ""
):
    repo, env, calls = freshness_sandbox(tmp_path, stale, registry_status, open_issue, links)
    workflow = yaml.safe_load((REPO / ".github/workflows/freshness.yml").read_text(encoding="utf-8"))
    steps = {s["name"].split(" ")[0]: s for s in workflow["jobs"]["review"]["steps"] if "name" in s}
    outputs = tmp_path / "outputs.txt"
    outputs.touch()
    first = shell(steps["Écrire"]["run"], repo, {**env, "GITHUB_OUTPUT": str(outputs)}, "-e")
    assert first.returncode == 0, first.stdout + first.stderr
    status = dict(line.split("=", 1) for line in outputs.read_text().splitlines())["status"]
    second = shell(steps["Ouvrir"]["run"], repo, {**env, "REGISTRY_STATUS": status}, "-e")
    return second, calls.read_text() if calls.exists() else ""


def test_github_freshness_opens_one_issue_then_updates_it(tmp_path):
    result, calls = github_freshness_job(tmp_path / "first", STALE_LIST + "\n")
    assert result.returncode == 0, result.stderr
    assert "gh issue create --title Fiches à vérifier --label fiches-a-verifier" in calls
    assert STALE_LIST in calls and "Le répertoire Sirene confirme" in calls and "## Liens à corriger" in calls
    result, calls = github_freshness_job(tmp_path / "next", STALE_LIST + "\n", open_issue="7")
    assert result.returncode == 0 and "gh issue edit 7 --body-file body.md" in calls
    assert "issue create" not in calls


def test_github_freshness_says_so_when_nothing_is_stale_and_opens_nothing(tmp_path):
    result, calls = github_freshness_job(
        tmp_path,
        "Aucune fiche n'a plus de 18 mois sans mise à jour.\n",
        links="Toutes les adresses web des fiches répondent.",
    )
    assert result.returncode == 0 and "issue create" not in calls
    assert "Aucune fiche à vérifier ce mois-ci." in result.stdout


def test_github_freshness_names_registry_failures_in_the_issue_and_is_red(tmp_path):
    result, calls = github_freshness_job(tmp_path, STALE_LIST + "\n", registry_status=1, open_issue="7")
    assert result.returncode == 1
    assert "gh issue edit 7" in calls and REGISTRY_FAILED in calls


def gitlab_freshness_job(tmp_path: Path, stale: str, open_issue: list[dict]):
    """The GitLab freshness job's script after its install line, against a local stand-in of
    GitLab's issues API (127.0.0.1) that records each call."""
    import http.server
    import threading
    from urllib.parse import parse_qs, urlsplit

    repo, env, _ = freshness_sandbox(tmp_path, stale, 0, "")
    seen: list[tuple[str, str, dict]] = []

    class Api(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, payload):
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            seen.append((self.command, urlsplit(self.path).path + "?" + urlsplit(self.path).query, form))
            body = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            assert self.headers["PRIVATE-TOKEN"] == "secret"
            self._answer(open_issue)

        def do_PUT(self):
            self._answer({})

        def do_POST(self):
            self._answer({})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env |= {
        "CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4",
        "CI_PROJECT_ID": "12",
        "FRESHNESS_TOKEN": "secret",
    }
    try:
        script = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))["freshness"]["script"]
        assert "pip install" in script[0]
        result = shell("\n".join(script[1:]), repo, env, "-e", "-o", "pipefail")
    finally:
        server.shutdown()
        server.server_close()
    return result, seen


def test_gitlab_freshness_opens_one_issue_then_updates_it(tmp_path):
    result, seen = gitlab_freshness_job(tmp_path / "first", STALE_LIST + "\n", [])
    assert result.returncode == 0, result.stdout + result.stderr
    assert [(m, p) for m, p, _ in seen] == [
        ("GET", "/api/v4/projects/12/issues?labels=fiches-a-verifier&state=opened"),
        ("POST", "/api/v4/projects/12/issues?"),
    ]
    assert seen[1][2]["labels"] == "fiches-a-verifier" and STALE_LIST in seen[1][2]["description"]
    result, seen = gitlab_freshness_job(tmp_path / "next", STALE_LIST + "\n", [{"iid": 4}])
    assert result.returncode == 0 and [(m, p) for m, p, _ in seen][1] == (
        "PUT",
        "/api/v4/projects/12/issues/4?",
    )


# -- the weekly pull of the actors' calendars: the same guarantees ------------------------------


def test_github_events_propose_what_came_and_are_red_when_a_calendar_failed(tmp_path):
    result, calls = github_pull_job(tmp_path / "failed", "one peer failed", "events.yml", "calendars")
    assert result.returncode == 1 and "gh pr create" in calls and "Agendas des acteurs" in calls
    assert PEER_FAILED in calls
    result, calls = github_pull_job(tmp_path / "quiet", "nothing new", "events.yml", "calendars")
    assert (result.returncode, calls) == (0, "") and "Rien de nouveau dans les agendas." in result.stdout
    result, calls = github_pull_job(tmp_path / "broken", "essaim cannot run", "events.yml", "calendars")
    assert result.returncode == 1 and calls == ""


def test_gitlab_events_propose_what_came_and_fail_when_a_calendar_failed(tmp_path):
    result, calls = gitlab_pull_job(tmp_path / "failed", "one peer failed", "events", "calendars")
    assert result.returncode == 1
    assert "merge_request.create" in calls and f"merge_request.description={PEER_FAILED}" in calls
    result, calls = gitlab_pull_job(tmp_path / "quiet", "nothing new", "events", "calendars")
    assert (result.returncode, calls) == (0, "")
