// Package deploy holds the recipes that run domino across a cluster:
// Kubernetes manifests (an Indexed Job writing one part per shard to a
// shared volume, then a merge Job) and Slurm scripts (an array job, then a
// merge job that depends on it with afterok). docs/scale-out.md gives the
// commands; the package's test checks the fields that make them work.
package deploy
