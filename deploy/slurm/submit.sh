#!/bin/bash
# Submits the shards, then the merge, which starts only if all shards succeed.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p logs parts
shards=$(sbatch --parsable shards.sbatch)
sbatch --dependency=afterok:"${shards}" merge.sbatch
