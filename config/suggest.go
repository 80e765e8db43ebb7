package config

import (
	"reflect"
	"strings"
)

// suggest is the known key nearest to an unknown one, for "did you mean
// concurrency?": path is the unknown key's full path as TOML names it
// (["fetch", "concurrancy"]); "" when no known key is close.
func suggest(path []string) string {
	if len(path) == 0 {
		return ""
	}
	t := reflect.TypeFor[Config]()
	for _, name := range path[:len(path)-1] {
		f, ok := fieldByTOML(t, name)
		if !ok {
			return ""
		}
		t = f.Type
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return ""
		}
	}
	bad := strings.ToLower(path[len(path)-1])
	best, bestDist := "", 0
	for i := range t.NumField() {
		name := tomlName(t.Field(i))
		if name == "" {
			continue
		}
		d := editDistance(bad, name)
		if d <= max(2, len(name)/3) && d < len(name) && (best == "" || d < bestDist) {
			best, bestDist = name, d
		}
	}
	return best
}

// fieldByTOML is t's field whose toml tag is name.
func fieldByTOML(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if tomlName(t.Field(i)) == name {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

func tomlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// editDistance is the Levenshtein distance between a and b, with a swap of
// two neighbouring letters counting as one edit (Damerau's "concurrnecy").
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}
