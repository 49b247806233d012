package graph

import "flag"

// update rewrites golden files: go test ./graph -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata")
