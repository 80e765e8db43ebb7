package config

import (
	"fmt"
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
			pos[table] = lineOf(&p, e.Key())
		case unstable.KeyValue:
			key := joinKey(e.Key())
			if table != "" {
				key = table + "." + key
			}
			pos[key] = lineOf(&p, e.Key())
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

func lineOf(p *unstable.Parser, it unstable.Iterator) int {
	if !it.Next() {
		return 0
	}
	n := it.Node()
	if n.Raw.Length == 0 && n.Raw.Offset == 0 {
		return 0
	}
	return p.Shape(n.Raw).Start.Line
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
