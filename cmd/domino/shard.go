package main

import (
	"fmt"
	"strconv"
	"strings"
)

// shard is one of count slices of a run's trials (sim.TrialRange); source says where it
// came from, for messages.
type shard struct {
	index, count int
	source       string
}

// arrayVar returns the name of the job-array variable that is set,
// JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, or "".
func arrayVar(getenv func(string) string) string {
	for _, name := range []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"} {
		if getenv(name) != "" {
			return name
		}
	}
	return ""
}

// parseShard parses --shard's "i/n", 0 ≤ i < n.
func parseShard(v string) (shard, error) {
	is, ns, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil {
		return shard{}, fmt.Errorf("--shard %q: want i/n, e.g. 0/8 for the first of 8 shards, or auto", v)
	}
	return newShard(i, n, "--shard")
}

func newShard(i, n int, source string) (shard, error) {
	if n < 1 || i < 0 || i >= n {
		return shard{}, fmt.Errorf("%s: shard %d of %d: want 0 ≤ i < n", source, i, n)
	}
	return shard{index: i, count: n, source: source}, nil
}

// shardFromEnv reads the shard a cluster's job array gives this process:
// a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (set by Kubernetes) and
// JOB_COMPLETIONS (which the manifest must set to spec.completions), or a
// Slurm array's SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT. Slurm task
// ids are made 0-based with SLURM_ARRAY_TASK_MIN and
// SLURM_ARRAY_TASK_STEP, so --array=1-8 and --array=0-14:2 work; an array
// that is not such a range (--array=1,4,9) is refused, since its ids do
// not say which slice each task is. ok is false when neither is set.
func shardFromEnv(getenv func(string) string) (s shard, ok bool, err error) {
	if idx := getenv("JOB_COMPLETION_INDEX"); idx != "" {
		const src = "JOB_COMPLETION_INDEX/JOB_COMPLETIONS"
		if getenv("JOB_COMPLETIONS") == "" {
			return s, true, fmt.Errorf("JOB_COMPLETION_INDEX is %s but JOB_COMPLETIONS is not set: set it to the Job's spec.completions in the pod's env, or give --shard i/n instead of auto", idx)
		}
		v, err := envInts(getenv, "JOB_COMPLETION_INDEX", "JOB_COMPLETIONS")
		if err != nil {
			return s, true, err
		}
		s, err = newShard(v[0], v[1], src)
		return s, true, err
	}
	if getenv("SLURM_ARRAY_TASK_ID") == "" {
		return s, false, nil
	}
	const src = "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT"
	v, err := envInts(getenv, "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX")
	if err != nil {
		return s, true, err
	}
	id, count, lo, hi := v[0], v[1], v[2], v[3]
	step := 1
	if getenv("SLURM_ARRAY_TASK_STEP") != "" {
		st, err := envInts(getenv, "SLURM_ARRAY_TASK_STEP")
		if err != nil {
			return s, true, err
		}
		step = max(st[0], 1)
	}
	if (hi-lo)%step != 0 || (hi-lo)/step+1 != count || (id-lo)%step != 0 {
		return s, true, fmt.Errorf("%s: the array's task ids (%d to %d by %d, %d tasks) are not one range: submit it with --array=0-%d, or give --shard i/n",
			src, lo, hi, step, count, count-1)
	}
	s, err = newShard((id-lo)/step, count, src)
	return s, true, err
}

// envInts reads integer environment variables; a missing one is an error.
func envInts(getenv func(string) string, names ...string) ([]int, error) {
	out := make([]int, len(names))
	for i, name := range names {
		v := getenv(name)
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: want an integer", name, v)
		}
		out[i] = n
	}
	return out, nil
}
