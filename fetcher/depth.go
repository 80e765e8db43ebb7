package fetcher

import "bytes"

// depthWithin reports whether doc surely nests no deeper than limit, by a
// byte scan about twenty times cheaper than an encoding/xml token pass. It
// never counts fewer open elements than encoding/xml would, up to where the
// latter meets a syntax error: it skips only comments, CDATA sections,
// processing instructions and declarations (each up to its earliest possible
// end), and reads quoted attribute values as encoding/xml does. So a true is
// always right, and a false only asks for the exact pass.
func depthWithin(doc []byte, limit int) bool { return scanShape(doc).deepest <= limit }

// shape is what the byte scan learns of a document before gofeed sees it.
// Its counts are never lower than encoding/xml's (see depthWithin).
type shape struct {
	deepest  int
	elements int
	// items are the byte ranges of the feed's items: elements named item or
	// entry (any prefix) at the depth of the first one, at most 3 (rss >
	// channel > item; rdf:RDF > item; feed > entry), in document order.
	items        []span
	itemElements int // elements inside items, all told
	biggestItem  int // elements in the biggest item
}

// span is an item's bytes, doc[start:end], and the elements it holds.
type span struct{ start, end, elements int }

// scanShape is the byte scan behind depthWithin and the parse's bounds.
func scanShape(doc []byte) shape {
	var s shape
	depth, itemDepth := 0, 0
	open, openAt := -1, 0 // the item open now: its start, and s.elements then
	closeItem := func(end int) {
		n := s.elements - openAt
		s.items = append(s.items, span{open, end, n})
		s.itemElements += n
		s.biggestItem = max(s.biggestItem, n)
		open = -1
	}
	i := 0
	for {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			return s
		}
		lt := i + j
		i = lt + 1
		if i >= len(doc) {
			return s
		}
		var end int
		switch c := doc[i]; c {
		case '/':
			end = bytes.IndexByte(doc[i:], '>')
			if open >= 0 && depth == itemDepth && end >= 0 {
				closeItem(i + end + 1)
			}
			depth--
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
			depth++ // a self-closed element counts while open
			s.elements++
			s.deepest = max(s.deepest, depth)
			if open < 0 && end >= 0 && depth <= 3 && (itemDepth == 0 || depth == itemDepth) && isItemTag(doc[i:]) {
				itemDepth, open, openAt = depth, lt, s.elements-1
				if self {
					closeItem(i + end + 1)
				}
			}
			if self {
				depth--
			}
		}
		if end < 0 {
			return s
		}
		i += end + 1
	}
}

// isItemTag reports whether the start tag whose name begins tag names an
// item or an entry, with any prefix.
func isItemTag(tag []byte) bool {
	n := bytes.IndexAny(tag, " \t\r\n/>")
	if n < 0 {
		return false
	}
	name := tag[:n]
	if c := bytes.LastIndexByte(name, ':'); c >= 0 {
		name = name[c+1:]
	}
	return bytes.EqualFold(name, []byte("item")) || bytes.EqualFold(name, []byte("entry"))
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
