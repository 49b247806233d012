package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// jaegerLink is one entry of Jaeger's dependencies: the parent service
// calls the child callCount times.
type jaegerLink struct {
	Parent    string `json:"parent"`
	Child     string `json:"child"`
	CallCount int64  `json:"callCount"`
}

// jaegerEnvelope covers the two object forms: the query API's
// {"data": [...], "errors": [...]} and the storage form
// {"timestamp": ..., "dependencies": [...]} (Elasticsearch, Cassandra).
type jaegerEnvelope struct {
	Data         *[]jaegerLink  `json:"data"`
	Dependencies *[]jaegerLink  `json:"dependencies"`
	Errors       []jaegerAPIErr `json:"errors"`
}

type jaegerAPIErr struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

const jaegerWant = `want a JSON array of {"parent", "child", "callCount"}, or an object with that array under "data" (the query API) or "dependencies" (storage)`

// parseJaeger reads Jaeger dependency links. A file may hold several JSON
// values one after another (an export of several days of the storage form);
// their links add up.
func parseJaeger(b *builder, in Input) error {
	dec := json.NewDecoder(bytes.NewReader(in.Data))
	var links []jaegerLink
	for n := 0; ; n++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return fmt.Errorf("%s: empty file: %s", in.Name, jaegerWant)
			}
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %s", in.Name, jsonProblem(err), jaegerWant)
		}
		ls, err := jaegerValue(raw)
		if err != nil {
			return fmt.Errorf("%s: %v", in.Name, err)
		}
		links = append(links, ls...)
	}
	for i, l := range links {
		where := fmt.Sprintf("%s: link %d", in.Name, i)
		if l.Parent == "" || l.Child == "" {
			b.warnf("%s: link with an empty name dropped (parent %q, child %q)", where, l.Parent, l.Child)
			continue
		}
		if l.CallCount < 0 {
			b.warnf("%s: negative callCount %d of %s -> %s counted as 0", where, l.CallCount, l.Parent, l.Child)
			l.CallCount = 0
		}
		b.node("name:"+l.Parent, []string{l.Parent}, l.Parent, "")
		b.node("name:"+l.Child, []string{l.Child}, l.Child, "")
		b.edge("name:"+l.Parent, "name:"+l.Child, float64(l.CallCount), false, where)
	}
	return nil
}

// jaegerValue decodes one JSON value in any of the three forms.
func jaegerValue(raw json.RawMessage) ([]jaegerLink, error) {
	switch firstByte(raw) {
	case '[':
		var links []jaegerLink
		if err := json.Unmarshal(raw, &links); err != nil {
			return nil, fmt.Errorf("%s: %s", jsonProblem(err), jaegerWant)
		}
		return links, nil
	case '{':
		var env jaegerEnvelope
		if err := json.Unmarshal(raw, &env); err != nil {
			return nil, fmt.Errorf("%s: %s", jsonProblem(err), jaegerWant)
		}
		switch {
		case env.Data != nil:
			return *env.Data, nil
		case env.Dependencies != nil:
			return *env.Dependencies, nil
		case len(env.Errors) > 0:
			return nil, fmt.Errorf("the Jaeger API answered with an error: %d %s", env.Errors[0].Code, env.Errors[0].Msg)
		}
		return nil, fmt.Errorf(`object without "data" or "dependencies": %s`, jaegerWant)
	}
	return nil, fmt.Errorf("got %s: %s", describeJSON(raw), jaegerWant)
}

func firstByte(raw []byte) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// describeJSON names the kind of a JSON value for an error message.
func describeJSON(raw []byte) string {
	switch c := firstByte(raw); {
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '[':
		return "an array"
	case c == '{':
		return "an object"
	default:
		return "a number"
	}
}

// jsonProblem words an encoding/json error in the terms of the file, not of
// the Go types the importer decodes into ("json: cannot unmarshal number
// into Go value of type importer.jaegerLink").
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := "at byte " + strconv.FormatInt(te.Offset, 10)
		if te.Field != "" {
			where += ", " + te.Field
		}
		return fmt.Sprintf("%s: want %s, got a JSON %s", where, jsonKind(te.Type), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names what a Go type is decoded from, as JSON calls it.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a value"
}
