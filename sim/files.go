package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dominosim/domino/graph"
)

// The files domino writes and reads back — results, rankings, parts — are
// JSON objects whose "schema" field names their format and its version
// (Schema, RankSchema, PartSchema). Every reader here checks that field
// first, so a file of another kind or another version is named as such
// instead of failing on some field deep inside it. Files are read through
// graph.ReadFile, which bounds their size.

// FileSchema returns the "schema" field of the JSON object data, and false
// when data is not a JSON object or has no such field (a scenario file may
// be JSON too, and has none).
func FileSchema(data []byte) (string, bool) {
	var head struct {
		Schema *string `json:"schema"`
	}
	if json.Unmarshal(data, &head) != nil || head.Schema == nil {
		return "", false
	}
	return *head.Schema, true
}

// ReadResultsFile reads and checks a results file (docs/model.md §8), the
// JSON of 'domino run --format json'.
func ReadResultsFile(path string) (*Results, error) {
	data, err := graph.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	return DecodeResults(path, data)
}

// DecodeResults decodes data, the contents of the results file name, after
// checking its schema is Schema.
func DecodeResults(name string, data []byte) (*Results, error) {
	r := &Results{}
	if err := decodeFile(name, data, "results", Schema, "domino run --format json", r); err != nil {
		return nil, err
	}
	return r, nil
}

// ReadRiskFile reads and checks a risk file, the JSON of 'domino risk
// --format json' (docs/model.md §13).
func ReadRiskFile(path string) (*RiskResults, error) {
	data, err := graph.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read risk: %w", err)
	}
	r := &RiskResults{}
	if err := decodeFile(path, data, "risk", RiskSchema, "domino risk --format json", r); err != nil {
		return nil, err
	}
	return r, nil
}

// ReadRankFile reads and checks a rank file, the JSON of 'domino rank
// --format json'.
func ReadRankFile(path string) (*Ranking, error) {
	data, err := graph.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read rank: %w", err)
	}
	r := &Ranking{}
	if err := decodeFile(path, data, "rank", RankSchema, "domino rank --format json", r); err != nil {
		return nil, err
	}
	return r, nil
}

// ReadPartFile reads and checks a part file (ReadPart), the JSON of
// 'domino run --shard'.
func ReadPartFile(path string) (*Part, error) {
	data, err := graph.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read part: %w", err)
	}
	return ReadPart(bytes.NewReader(data), path)
}

// decodeFile decodes data, the file name of the given kind, into v when its
// schema is want; writer names the command that writes such files.
func decodeFile(name string, data []byte, kind, want, writer string, v any) error {
	schema, ok := FileSchema(data)
	if !ok {
		// Say where the JSON breaks, or what else it holds.
		err := json.Unmarshal(data, v)
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return fmt.Errorf("%s: not a %s file: invalid JSON at byte %d: %w", name, kind, syn.Offset, err)
		}
		if err != nil {
			return fmt.Errorf("%s: not a %s file: %w", name, kind, err)
		}
	}
	if schema != want {
		return fmt.Errorf("%s: schema %q, want %q (a file written by '%s')", name, schema, want, writer)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: not a %s file: %w", name, kind, err)
	}
	return nil
}
