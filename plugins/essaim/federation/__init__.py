"""Federation: every site publishes /federation.json; `essaim federation pull` snapshots peers'
open data under federation/<peer>/ (committed, so builds stay offline); builds include them."""
