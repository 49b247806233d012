// Package graph provides domino's platform model: sites, services, their
// dependencies and placement, and the scenarios run against them, as defined
// by docs/model.md §2–§5.
//
// A file is loaded with Load (YAML or JSON, strictly: unknown keys and
// duplicate keys are errors), checked with all of its problems reported at
// once as an ErrorList whose entries carry file:line:column and the key path,
// linted for the weak spots of the Kakao 2022 fire with Lint, and compiled for
// the simulator with Compile into an immutable, index-based form (dense ids,
// CSR adjacency) that the engine can walk without maps.
//
// Schema renders the file format as a JSON Schema for editors, from the same
// tables of keys, enums and distribution families the loader checks against.
package graph
