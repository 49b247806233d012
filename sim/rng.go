package sim

// stream is a SplitMix64 generator (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014). It implements
// math/rand/v2.Source. Re-keying it costs a few multiplications, so every
// draw can have its own key without allocating.
type stream struct{ s uint64 }

func (g *stream) Uint64() uint64 {
	g.s += 0x9e3779b97f4a7c15
	return mix(g.s)
}

// mix is SplitMix64's finaliser (a bijection with good avalanche).
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Purposes of random draws; with the entity key and an occurrence number
// they name one draw.
const (
	pOccur uint64 = iota + 1
	pAt
	pStage
	pDestroy
	pDuration
	pRestartAuto
	pRestartManual
	pBreakGlass
	pFailoverAuto
	pFailoverManual
	pLag
	pBackup
	pTTF
	pTTR
	// The Latin hypercube of uncertain inputs (domino run --uncertainty):
	// an input's permutation of the slices, and its draw within a slice.
	pLHSPerm
	pLHSJitter
)

// key derives the stream state for one draw.
func key(trialKey, entity, purpose, n uint64) uint64 {
	return mix(mix(trialKey^entity) ^ (purpose<<40 | n))
}

// trialKey derives the key of one trial from the seed.
func trialKey(seed uint64, trial int) uint64 {
	return mix(mix(seed+0x6a09e667f3bcc909) ^ uint64(trial))
}

// unit returns a uniform float64 in [0, 1).
func (g *stream) unit() float64 {
	return float64(g.Uint64()>>11) * (1.0 / (1 << 53))
}
