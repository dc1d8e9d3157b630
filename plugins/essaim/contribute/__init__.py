"""Contributing without git: `essaim new`, the "Proposer une fiche" form, edit and report links."""
