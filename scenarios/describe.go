package scenarios

import (
	"io/fs"
	"strings"
)

// Title returns the title of the embedded scenario file name: the first
// paragraph of the comment block the file opens with, its lines joined by
// spaces and a final period dropped ("Cyworld, October-November 2019: the
// front door of a single-operator social network"). It returns "" when the
// file does not exist or does not open with a comment.
func Title(name string) string {
	data, err := fs.ReadFile(FS, Path(name))
	if err != nil {
		return ""
	}
	return HeaderTitle(data)
}

// HeaderTitle returns the first paragraph of the comment block that a YAML
// file opens with: the "#" lines before the first empty comment line ("#"
// alone), the first line that is not a comment, or the end of the file.
func HeaderTitle(data []byte) string {
	var words []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		text, ok := strings.CutPrefix(line, "#")
		if !ok {
			break
		}
		text = strings.TrimSpace(text)
		if text == "" {
			if len(words) > 0 {
				break
			}
			continue // a decorative "#" before the title
		}
		words = append(words, text)
	}
	return strings.TrimSuffix(strings.Join(words, " "), ".")
}
