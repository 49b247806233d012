package graph

import (
	"strings"
	"testing"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr string
	}{
		{"0", 0, ""},
		{" 0 ", 0, ""},
		{"0s", 0, ""},
		{"500ms", 500, ""},
		{"2h30m", 2*Hour + 30*Minute, ""},
		{"1d12h", Day + 12*Hour, ""},
		{"1w", Week, ""},
		{"1.5h", 90 * Minute, ""},
		{"0.0005s", 1, ""}, // 0.5 ms rounds half up
		{"0.0004s", 0, ""},
		{"1h1h", 2 * Hour, ""},
		{"", 0, "empty duration"},
		{"-1h", 0, "negative duration"},
		{"5", 0, "has no unit"},
		{"3x", 0, `unknown unit "x"`},
		{"h", 0, "want a number then a unit"},
		{"1..5h", 0, "bad number"},
		{"2h-30m", 0, "want a number then a unit"},
		{"1y", 0, `unknown unit "y"`},
		{"300000000w", 0, "too long"},
		{"9223372036854774ms", 9223372036854774, ""},
		{"9223372036854777ms", 0, "too long"}, // found by FuzzDuration: floats are 2 ms apart there
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %d, %v, want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %d, %v, want %d", got, err, tt.want)
			}
		})
	}
}

func TestParseFraction(t *testing.T) {
	tests := []struct {
		in      string
		want    Fraction
		wantErr string
	}{
		{"0.35", Fraction{35, 100}, ""},
		{"0.7", Fraction{7, 10}, ""},
		{"1", Fraction{1, 1}, ""},
		{"1.0", Fraction{1, 1}, ""},
		{"1.000", Fraction{1, 1}, ""},
		{"0.50", Fraction{5, 10}, ""},
		{".5", Fraction{5, 10}, ""},
		{"0.375", Fraction{375, 1000}, ""},
		{"0.123456789", Fraction{123456789, 1000000000}, ""},
		{"0.1234567890", Fraction{123456789, 1000000000}, ""}, // trailing zero dropped
		{"0", Fraction{0, 1}, ""},                             // parsed; the range check is the caller's
		{"1.5", Fraction{15, 10}, ""},
		{"0.1234567891", Fraction{}, "more than 9 decimals"},
		{"-0.5", Fraction{}, "negative"},
		{"1e-1", Fraction{}, "malformed"},
		{"", Fraction{}, "malformed"},
		{".", Fraction{}, "malformed"},
		{"0x1", Fraction{}, "malformed"},
		{"12345678901", Fraction{}, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFraction(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, %v, want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

// TestFractionExact is docs/model.md §6.10: 0.35 × 180 servers is 63, not 62.99….
func TestFractionExact(t *testing.T) {
	f := mustLoad(t, `version: 1
platform:
  sites: [{id: a}]
  services: [{id: x, placement: {a: 180}}]
scenarios:
  - id: s
    events:
      - kind: site-outage
        site: a
        power_restore: [{after: 1h, fraction: 0.35}, {after: 2h, fraction: 1}]
`)
	fr := f.Scenarios[0].Events[0].PowerRestore[0].Fraction
	if !fr.Fits(63, 180) || fr.Fits(64, 180) {
		t.Errorf("fraction %v: want 63 of 180 to fit and 64 not", fr)
	}
	if got := fractionText(fr); got != "0.35" {
		t.Errorf("got text %q, want 0.35", got)
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr string
	}{
		{"2/y", 2, ""},
		{"0.5/y", 0.5, ""},
		{"1/d", 365, ""},
		{"1/w", 365.0 / 7, ""},
		{"0/y", 0, "must be > 0"},
		{"2/month", 0, "malformed rate"},
		{"2", 0, "malformed rate"},
		{"x/y", 0, "bad number"},
		{"NaN/y", 0, "bad number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, %v, want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

func TestDistForms(t *testing.T) {
	f := mustLoad(t, `version: 1
platform:
  sites: [{id: a}]
  services:
    - id: x
      placement: {a: 1}
      restart: {auto: 10m, manual: {fixed: 1h}}
      mtbf: {lognormal: {mu: 0, sigma: 1}}
      mttr: {empirical: [1h, 0, 2h]}
`)
	x := f.Platform.Services[0]
	if x.Restart.Auto.Kind != Fixed || x.Restart.Auto.A != float64(10*Minute) {
		t.Errorf("got auto %+v", x.Restart.Auto)
	}
	if x.Restart.Manual.Kind != Fixed || x.Restart.Manual.A != float64(Hour) {
		t.Errorf("got manual %+v", x.Restart.Manual)
	}
	if x.MTBF.Kind != LogNormal || x.MTBF.A != lnHour || x.MTBF.B != 1 {
		t.Errorf("got mtbf %+v, want mu = ln(1h in ms)", x.MTBF)
	}
	if x.MTTR.Kind != Empirical || len(x.MTTR.Values) != 3 || x.MTTR.Values[2] != 2*Hour {
		t.Errorf("got mttr %+v", x.MTTR)
	}
}
