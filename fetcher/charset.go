package fetcher

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// toUTF8 decides a fetched XML document's encoding once and returns it as
// UTF-8, its XML declaration rewritten to say so (gofeed honours only the
// declaration, and would decode converted bytes a second time). The order:
//
//  1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE), or a document
//     starting with "<" in UTF-16;
//  2. bytes that are valid UTF-8 and hold multi-byte sequences: several real
//     feeds declare windows-1252 or ISO-8859-1 but are UTF-8;
//  3. the HTTP Content-Type charset;
//  4. the XML declaration's encoding;
//  5. valid UTF-8 (plain ASCII);
//  6. windows-1252, a superset of Latin-1 in every printable byte.
//
// An unknown label falls through to the next rule. Undeclared KOI8-R cannot
// be told from Latin-1 without statistics: it comes out as windows-1252.
// enc names the encoding used.
func toUTF8(body []byte, contentType string) (out []byte, enc string, err error) {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		return rewriteDecl(body[3:]), "utf-8 (BOM)", nil
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		return convert(body[2:], "utf-16le")
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		return convert(body[2:], "utf-16be")
	case len(body) >= 4 && body[0] == '<' && body[1] == 0 && body[2] != 0 && body[3] == 0:
		return convert(body, "utf-16le") // no BOM, but "<" in UTF-16LE (XML 1.0 appendix F)
	case len(body) >= 4 && body[0] == 0 && body[1] == '<' && body[2] == 0 && body[3] != 0:
		return convert(body, "utf-16be")
	}
	valid := utf8.Valid(body)
	if valid && hasMultibyte(body) {
		return rewriteDecl(body), "utf-8", nil
	}
	for _, label := range []string{httpCharset(contentType), declEncoding(body)} {
		if label == "" {
			continue
		}
		if e, name := charset.Lookup(label); e != nil {
			if name == "utf-8" {
				if !valid {
					continue // says UTF-8, is not: try the next rule
				}
				return rewriteDecl(body), "utf-8", nil
			}
			return convert(body, label)
		}
	}
	if valid {
		return rewriteDecl(body), "utf-8", nil
	}
	return convert(body, "windows-1252")
}

func hasMultibyte(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

func convert(body []byte, label string) ([]byte, string, error) {
	r, err := charset.NewReaderLabel(label, bytes.NewReader(body))
	if err != nil {
		return nil, label, fmt.Errorf("charset %s: %w", label, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, label, fmt.Errorf("decode %s: %w", label, err)
	}
	out = bytes.TrimPrefix(out, []byte("\uFEFF"))
	_, name := charset.Lookup(label)
	return rewriteDecl(out), name, nil
}

func httpCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

var (
	xmlDecl      = regexp.MustCompile(`^\s*<\?xml[^>]*\?>`)
	declEncAttr  = regexp.MustCompile(`(encoding\s*=\s*)(["'])[^"']*(["'])`)
	declEncValue = regexp.MustCompile(`encoding\s*=\s*["']([^"']*)["']`)
)

// declEncoding is the encoding named by the document's XML declaration.
func declEncoding(body []byte) string {
	head := body
	if len(head) > 512 {
		head = head[:512]
	}
	d := xmlDecl.Find(head)
	if d == nil {
		return ""
	}
	m := declEncValue.FindSubmatch(d)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[1]))
}

// rewriteDecl drops white space before the XML declaration (several real
// feeds start with a newline) and makes the declaration say UTF-8.
func rewriteDecl(b []byte) []byte {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if !bytes.HasPrefix(trimmed, []byte("<?xml")) {
		return b
	}
	end := bytes.Index(trimmed, []byte("?>"))
	if end < 0 || end > 512 {
		return trimmed
	}
	decl := trimmed[:end+2]
	if !declEncAttr.Match(decl) {
		return trimmed
	}
	nd := declEncAttr.ReplaceAll(decl, []byte(`${1}"UTF-8"`))
	out := make([]byte, 0, len(trimmed)-len(decl)+len(nd))
	out = append(out, nd...)
	return append(out, trimmed[end+2:]...)
}
