"""The exchange: the board of offers and needs (`/coups-de-main/`)."""
