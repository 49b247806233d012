package output

import (
	"math"
	"strconv"
	"strings"

	"github.com/dominosim/domino/graph"
)

// Dash stands for a figure that does not apply.
const Dash = "—"

// Duration formats a time in milliseconds for people ("10h30m", "3d4h"),
// rounding a fractional mean to the nearest millisecond.
func Duration(ms float64) string {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return Dash
	}
	return graph.FormatDuration(int64(math.Round(ms)))
}

// Count formats a number rounded to an integer with thousands separators:
// 1234567.8 → "1,234,568". Magnitudes beyond int64 fall back to %g.
func Count(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Dash
	}
	r := math.Round(x)
	if math.Abs(r) >= 1<<62 {
		return strconv.FormatFloat(r, 'g', 4, 64)
	}
	return group(strconv.FormatInt(int64(r), 10))
}

// Decimal formats x with the given number of decimals and thousands
// separators in the integer part: Decimal(12345.678, 1) = "12,345.7".
func Decimal(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Dash
	}
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if frac != "" {
		return group(intPart) + "." + frac
	}
	return group(intPart)
}

// group inserts a comma every three digits of an integer written in base 10.
func group(s string) string {
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	if sign == "-" && strings.Trim(s, "0") == "" {
		sign = "" // "-0" after rounding
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > len(sign) {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Money formats an amount rounded to a whole unit with thousands separators
// and the currency code after it: "1,234,567 KRW". With no currency the
// number stands alone.
func Money(x float64, currency string) string {
	s := Count(x)
	if currency == "" || s == Dash {
		return s
	}
	return s + " " + currency
}

// Percent formats a probability as a percentage with one decimal. Exactly 0
// and 1 print as "0%" and "100%"; values that would round to either but
// are not exactly it print as "<0.1%" and ">99.9%", so that a rare event
// is never shown as impossible, nor a likely one as certain.
func Percent(p float64) string {
	switch {
	case math.IsNaN(p) || math.IsInf(p, 0):
		return Dash
	case p == 0:
		return "0%"
	case p == 1:
		return "100%"
	case p > 0 && p < 0.0005:
		return "<0.1%"
	case p < 1 && p >= 0.9995:
		return ">99.9%"
	}
	return strconv.FormatFloat(100*p, 'f', 1, 64) + "%"
}

// Plural is the suffix "s" of a noun counted n times, "" for one.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
