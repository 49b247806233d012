package sim

import (
	"context"
	"errors"
	"sort"

	"github.com/dominosim/domino/graph"
)

// SelectTrial runs trials 0..n−1 untraced and returns the index of the one
// by ("median" or "worst") asks for, ranking trials by (user-hours lost,
// index): "worst" is the last of that order, "median" the one at rank
// ⌈n/2⌉ (from 1). Ties in user-hours thus go to the lowest index for the
// worst trial. It checks ctx every 256 trials, and fails with
// ErrTooManyEvents when a trial overflows.
func SelectTrial(ctx context.Context, c *graph.Compiled, seed uint64, n int, by string) (int, error) {
	type scored struct {
		uh    int64
		trial int
	}
	all := make([]scored, n)
	tr := NewTrial(c, nil)
	for k := range n {
		if k%256 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		all[k] = scored{tr.Run(seed, k).UserMilliHours, k}
		if tr.Overflowed() {
			return 0, ErrTooManyEvents
		}
	}
	switch by {
	case "worst":
		best := 0
		for k := range all {
			if all[k].uh > all[best].uh {
				best = k
			}
		}
		return best, nil
	case "median":
		sort.Slice(all, func(i, j int) bool {
			if all[i].uh != all[j].uh {
				return all[i].uh < all[j].uh
			}
			return all[i].trial < all[j].trial
		})
		return all[(n+1)/2-1].trial, nil
	}
	return 0, errors.New("unknown trial selection " + by)
}
