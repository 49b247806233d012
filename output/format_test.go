package output

import (
	"math"
	"testing"

	"github.com/dominosim/domino/graph"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"count zero", Count(0), "0"},
		{"count small", Count(999), "999"},
		{"count rounds", Count(999.5), "1,000"},
		{"count grouped", Count(1234567.4), "1,234,567"},
		{"count six digits", Count(123456), "123,456"},
		{"count negative", Count(-1234567), "-1,234,567"},
		{"count negative zero", Count(-0.2), "0"},
		{"count NaN", Count(math.NaN()), Dash},
		{"decimal", Decimal(12345.678, 1), "12,345.7"},
		{"decimal none", Decimal(12345.678, 0), "12,346"},
		{"money", Money(1.5e9, "KRW"), "1,500,000,000 KRW"},
		{"money without currency", Money(12, ""), "12"},
		{"percent zero", Percent(0), "0%"},
		{"percent one", Percent(1), "100%"},
		{"percent rare", Percent(0.0001), "<0.1%"},
		{"percent almost sure", Percent(0.9999), ">99.9%"},
		{"percent", Percent(0.1234), "12.3%"},
		{"percent smallest shown", Percent(0.0005), "0.1%"},
		{"duration", Duration(float64(10*graph.Hour + 30*graph.Minute)), "10h30m"},
		{"duration days", Duration(float64(3*graph.Day+4*graph.Hour) + 0.4), "3d4h"},
		{"duration zero", Duration(0.2), "0"},
		{"duration NaN", Duration(math.NaN()), Dash},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
