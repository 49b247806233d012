package graph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Time units in milliseconds.
const (
	Millisecond int64 = 1
	Second            = 1000 * Millisecond
	Minute            = 60 * Second
	Hour              = 60 * Minute
	Day               = 24 * Hour
	Week              = 7 * Day
	Year              = 365 * Day // for rates N/y (docs/model.md §6.10)
)

var units = []struct {
	name string
	ms   int64
}{{"ms", Millisecond}, {"s", Second}, {"m", Minute}, {"h", Hour}, {"d", Day}, {"w", Week}}

// maxDuration bounds parsed durations (about 292 years / 1000) so that sums
// of many of them cannot overflow int64.
const maxDuration = math.MaxInt64 / 1000

// ParseDuration parses a duration such as "2h30m", "1d12h", "500ms", "1.5h"
// or "0" into milliseconds, rounded to the nearest millisecond.
func ParseDuration(s string) (int64, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if s[0] == '-' {
		return 0, fmt.Errorf("negative duration %q", in)
	}
	var total float64
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("malformed duration %q: want a number then a unit (ms, s, m, h, d, w), like 2h30m", in)
		}
		num, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("malformed duration %q: bad number %q", in, s[:i])
		}
		s = s[i:]
		j := 0
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		unit := s[:j]
		s = s[j:]
		var ms int64
		for _, u := range units {
			if u.name == unit {
				ms = u.ms
			}
		}
		if ms == 0 {
			if unit == "" {
				return 0, fmt.Errorf("malformed duration %q: number %v has no unit (ms, s, m, h, d, w)", in, num)
			}
			return 0, fmt.Errorf("malformed duration %q: unknown unit %q (want ms, s, m, h, d or w)", in, unit)
		}
		total += num * float64(ms)
	}
	// Compare as floats first (converting a float beyond int64 is
	// undefined), then as integers: near maxDuration floats are 2 ms apart,
	// so the float test alone let 9223372036854777ms through.
	ms := int64(0)
	if total <= maxDuration+1 {
		ms = int64(math.Floor(total + 0.5))
	}
	if total > maxDuration+1 || ms > maxDuration {
		return 0, fmt.Errorf("duration %q is too long (at most %s)", in, FormatDuration(maxDuration))
	}
	return ms, nil
}

// FormatDuration formats milliseconds for people: "0", "850ms", "42s",
// "10h30m", "3d4h". It keeps the two largest units and rounds the rest.
func FormatDuration(ms int64) string {
	if ms == 0 {
		return "0"
	}
	neg := ms < 0
	if neg {
		ms = -ms
	}
	var out string
	switch {
	case ms < Second:
		out = strconv.FormatInt(ms, 10) + "ms"
	case ms < Minute:
		out = strconv.FormatInt((ms+Second/2)/Second, 10) + "s"
	case ms < Hour:
		s := (ms + Second/2) / Second
		out = two(s/60, "m", s%60, "s")
	case ms < Day:
		m := (ms + Minute/2) / Minute
		out = two(m/60, "h", m%60, "m")
	default:
		h := (ms + Hour/2) / Hour
		out = two(h/24, "d", h%24, "h")
	}
	if neg {
		return "-" + out
	}
	return out
}

func two(a int64, ua string, b int64, ub string) string {
	if b == 0 {
		return strconv.FormatInt(a, 10) + ua
	}
	return strconv.FormatInt(a, 10) + ua + strconv.FormatInt(b, 10) + ub
}
