package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// positions maps a key path such as "fetch.schedule" or "source.2.url" (array
// tables counted from 0) to the line it is written on, so that problems found
// after decoding still point at the file.
type positions map[string]int

func newPositions(data []byte) positions {
	pos := positions{}
	var p unstable.Parser
	p.Reset(data)
	table := ""
	arrays := map[string]int{}
	lines := newlines(data)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			name := joinKey(e.Key())
			table = name
			if e.Kind == unstable.ArrayTable {
				table = fmt.Sprintf("%s.%d", name, arrays[name])
				arrays[name]++
			}
			pos[table] = lineOf(lines, e.Key())
		case unstable.KeyValue:
			key := joinKey(e.Key())
			if table != "" {
				key = table + "." + key
			}
			pos[key] = lineOf(lines, e.Key())
		}
	}
	return pos // a syntax error is reported by the decoder, with its own line
}

func joinKey(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

func lineOf(lines []int, it unstable.Iterator) int {
	if !it.Next() {
		return 0
	}
	n := it.Node()
	if n.Raw.Length == 0 && n.Raw.Offset == 0 {
		return 0
	}
	// The parser's Shape would rescan the file from its start for every
	// key, which made loading 1,000 sources take 90ms.
	off := int(n.Raw.Offset)
	return 1 + sort.SearchInts(lines, off)
}

// newlines are the offsets of data's line feeds, in order.
func newlines(data []byte) []int {
	var out []int
	for i, c := range data {
		if c == '\n' {
			out = append(out, i)
		}
	}
	return out
}

// line is the line of key, else of the closest enclosing table that is written
// down, else 0.
func (pos positions) line(key string) int {
	for key != "" {
		if l, ok := pos[key]; ok {
			return l
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}
