package sim

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// TestAccumulatorLayout holds svcAcc, stat and tailSvc to the cache-line
// layout their comments promise.
func TestAccumulatorLayout(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the layout is laid out for 64-bit words")
	}
	var acc svcAcc
	tests := []struct {
		name      string
		got, want uintptr
	}{
		{"stat size", unsafe.Sizeof(stat{}), 128},
		{"stat push part", unsafe.Offsetof(acc.down.n) + 8, 32},
		{"stat first line", unsafe.Offsetof(acc.down.sumHi), 64},
		{"svcAcc size mod 64", unsafe.Sizeof(acc) % 64, 0},
		{"svcAcc first line: counters, first cause, then joint[jointAll]", unsafe.Offsetof(acc.joint), 32},
		{"svcAcc first line: joint[jointAll]'s push part", unsafe.Offsetof(acc.joint) + uintptr(jointAll)*unsafe.Sizeof(stat{}) + unsafe.Offsetof(acc.down.n) + 8, 64},
		{"tailSvc size: a row of 24 bytes", unsafe.Sizeof(tailSvc{}), 24},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got, tt.name)
	}
}
