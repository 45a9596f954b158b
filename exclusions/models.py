"""Federal exclusion lists (OIG LEIE, SAM) and the monthly matching of providers against them."""
