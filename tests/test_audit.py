"""`make audit`'s page weights and checks on the demo (Lighthouse itself only runs in `make audit`)."""

from __future__ import annotations

import pytest

from audit.report import ONE_ROUND_TRIP, ONE_ROUND_TRIP_PAGES, checks, page_weights, render


@pytest.mark.browser
def test_pages_are_light_and_nothing_third_party_blocks_them(browser, demo_output, demo_url):
    weights = page_weights(demo_output, demo_url, browser)
    for name in ONE_ROUND_TRIP_PAGES:  # one round trip
        assert 0 < weights[name]["bytes"]["html"] <= ONE_ROUND_TRIP, name
    for name, weight in weights.items():
        assert weight["render_blocking_third_party"] == [], name
        assert weight["bytes"]["css"] > 0, name
    # Search downloads lunr and its index only because the URL has a query.
    assert weights["recherche (résultats)"]["bytes"]["js"] > weights["accueil"]["bytes"]["js"]
    result = {"generated_at": "2026-11-22", "weights": weights, "lighthouse": {"error": "x"}}
    result["checks"] = checks(demo_output)
    assert all(result["checks"].values()), result["checks"]
    report = render(result)  # the page a maintainer opens: every page type, with its HTML weight
    assert all(f">{name}</a></th>" in report for name in weights)
