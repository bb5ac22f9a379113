"""Stage 2: raw rows and YAML trees checked against the contract, each problem located."""
