package config

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// typeProblems decodes data into plain TOML values and checks each against
// the type of the Config field it would fill, so that every wrongly typed
// key is reported with its line and key (go-toml's decoder stops at the
// first). Keys no field names are left to the strict decoder. It returns
// nothing when data does not even parse: the decoder reports that.
func typeProblems(file string, data []byte, pos positions) Problems {
	var doc map[string]any
	if toml.Unmarshal(data, &doc) != nil {
		return nil
	}
	var p Problems
	checkTable(doc, reflect.TypeFor[Config](), "", func(key, msg string) {
		p = append(p, Problem{File: file, Line: pos.line(key), Key: displayKey(key), Msg: msg})
	})
	return p
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	tomlUnmarshaler = reflect.TypeFor[interface{ UnmarshalTOML(any) error }]()
)

// checkTable checks a table's values against struct type t's fields.
func checkTable(table map[string]any, t reflect.Type, prefix string, bad func(key, msg string)) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		v, ok := table[name]
		if !ok {
			continue
		}
		checkValue(v, f.Type, prefix+name, bad)
	}
}

// checkValue checks one value against the type of the field it fills.
func checkValue(v any, t reflect.Type, key string, bad func(key, msg string)) {
	ptr := reflect.PointerTo(t)
	switch {
	case ptr.Implements(tomlUnmarshaler):
		if err := reflect.New(t).Interface().(interface{ UnmarshalTOML(any) error }).UnmarshalTOML(v); err != nil {
			bad(key, err.Error())
		}
		return
	case ptr.Implements(textUnmarshaler):
		s, ok := v.(string)
		if !ok {
			bad(key, fmt.Sprintf("must be %s, not %s", example(t), describe(v)))
			return
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			bad(key, err.Error())
		}
		return
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); !ok {
			bad(key, "must be a string, not "+describe(v))
		}
	case reflect.Int, reflect.Int64:
		if _, ok := v.(int64); !ok {
			bad(key, "must be an integer, not "+describe(v))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			bad(key, "must be true or false, not "+describe(v))
		}
	case reflect.Struct:
		table, ok := v.(map[string]any)
		if !ok {
			bad(key, "must be a table, not "+describe(v))
			return
		}
		checkTable(table, t, key+".", bad)
	case reflect.Slice:
		items, ok := v.([]any)
		if !ok {
			if t.Elem().Kind() == reflect.Struct {
				bad(key, fmt.Sprintf("must be an array of tables ([[%s]]), not %s", key, describe(v)))
			} else {
				bad(key, fmt.Sprintf("must be an array of %ss, not %s", kindName(t.Elem()), describe(v)))
			}
			return
		}
		for i, item := range items {
			if t.Elem().Kind() == reflect.Struct {
				checkValue(item, t.Elem(), key+"."+strconv.Itoa(i), bad)
				continue
			}
			// One problem for the array, naming its first wrong item.
			wrong := false
			checkValue(item, t.Elem(), key, func(string, string) { wrong = true })
			if wrong {
				bad(key, fmt.Sprintf("must be an array of %ss: item %d is %s", kindName(t.Elem()), i+1, describe(item)))
				return
			}
		}
	}
}

// example says what a text-typed field takes, for messages.
func example(t reflect.Type) string {
	if t == reflect.TypeFor[Duration]() {
		return `a duration string such as "30s"`
	}
	return "a string"
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64:
		return "integer"
	case reflect.Bool:
		return "boolean"
	}
	return t.Name()
}

// describe names a decoded TOML value for a message: "the integer 30".
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case int64:
		return fmt.Sprintf("the integer %d", x)
	case float64:
		return fmt.Sprintf("the number %v", x)
	case bool:
		return fmt.Sprintf("%v", x)
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a date or time (%v)", v)
}
