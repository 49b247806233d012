package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitCause(t *testing.T) {
	tests := []struct {
		code int32
		kind CauseKind
		arg  int32
	}{
		{causeNone, CauseNone, 0},
		{causeFault, CauseFault, 0},
		{causeWaiting | 7, CauseWaiting, 7},
		{causeFailure | 2, CauseFailure, 2},
		{causeSite | 1, CauseSite, 1},
		{causeIsolated | 3, CauseIsolated, 3},
		{causeDependency | 12345, CauseDependency, 12345},
		{causeOverload, CauseOverload, 0},
	}
	for _, tt := range tests {
		kind, arg := SplitCause(tt.code)
		assert.Equal(t, tt.kind, kind, "SplitCause(%#x): kind", tt.code)
		assert.Equal(t, tt.arg, arg, "SplitCause(%#x): arg", tt.code)
	}
}
