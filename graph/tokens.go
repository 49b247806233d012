package graph

// countTokens returns an upper estimate of the tokens goccy/go-yaml's
// lexer makes of data, without making them: one for each flow indicator
// ([ ] { } ,), each ": " indicator, each quoted string, each
// comment, and each other run of non-blank bytes. It over-counts (a plain
// scalar of several words is one token), never by much on real files, and
// costs one pass over the bytes and no allocation: the lexer's tokens cost
// some 400 bytes each, so the count bounds what parsing will take before
// any of it is spent.
func countTokens(data []byte) int {
	n := 0
	word := false // inside a run of non-blank, non-indicator bytes
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case ' ', '\t', '\r', '\n':
			word = false
		case '[', ']', '{', '}', ',':
			n++
			word = false
		case '"', '\'':
			if word {
				continue
			}
			// A quoted string is one token, whatever it holds.
			for i++; i < len(data); i++ {
				if data[i] == '\\' && c == '"' {
					i++
				} else if data[i] == c {
					break
				}
			}
			n++
		case ':':
			// A mapping indicator (followed by a blank, a flow indicator
			// or the end) is a token of its own; otherwise part of a word.
			if i+1 == len(data) || isIndicatorEnd(data[i+1]) {
				n++
				word = false
			} else if !word {
				n++
				word = true
			}
		case '#':
			if word {
				continue
			}
			for i < len(data) && data[i] != '\n' {
				i++
			}
			n++
		default:
			if !word {
				n++
				word = true
			}
		}
	}
	return n
}

// isIndicatorEnd reports whether c ends a ':' indicator.
func isIndicatorEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', '[', ']', '{', '}':
		return true
	}
	return false
}
