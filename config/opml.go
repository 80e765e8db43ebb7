package config

// This file turns a feed reader's OPML subscription list into [[source]]
// tables (`tributary import-opml`).

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/unicode/norm"
)

// opmlOutline is one <outline>: a feed when it has an xmlUrl, else a folder.
type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr"`
	XMLURL   string        `xml:"xmlUrl,attr"`
	Outlines []opmlOutline `xml:"outline"`
}

// ImportedSource is one [[source]] made from an OPML outline.
type ImportedSource struct {
	Name, URL string
	Title     string // the outline's title, written as a comment
	Tags      []string
}

// FromOPML reads an OPML subscription list: every outline with an xmlUrl
// becomes a source named after its title (a lowercase-hyphen slug, made
// unique), tagged with the folders it sits in. The same URL in two folders
// is one source with both tags. Outlines that cannot be sources are
// reported in skipped.
func FromOPML(r io.Reader) (srcs []ImportedSource, skipped []string, err error) {
	var doc struct {
		XMLName xml.Name
		Body    struct {
			Outlines []opmlOutline `xml:"outline"`
		} `xml:"body"`
	}
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("read OPML: %w", err)
	}
	if doc.XMLName.Local != "opml" {
		return nil, nil, fmt.Errorf("read OPML: the root element is <%s>, not <opml>", doc.XMLName.Local)
	}
	byURL := map[string]int{}
	used := map[string]bool{}
	var walk func(outlines []opmlOutline, folders []string)
	walk = func(outlines []opmlOutline, folders []string) {
		for _, o := range outlines {
			label := strings.TrimSpace(o.Title)
			if label == "" {
				label = strings.TrimSpace(o.Text)
			}
			feedURL := strings.TrimSpace(o.XMLURL)
			if feedURL == "" {
				if len(o.Outlines) > 0 {
					walk(o.Outlines, append(slices.Clone(folders), slug(label)))
				} else {
					skipped = append(skipped, fmt.Sprintf("%q: no xmlUrl", label))
				}
				continue
			}
			u, perr := url.Parse(feedURL)
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				skipped = append(skipped, fmt.Sprintf("%q: xmlUrl %q is not an http(s) URL", label, feedURL))
				continue
			}
			tags := slices.DeleteFunc(slices.Clone(folders), func(s string) bool { return s == "" })
			if i, dup := byURL[feedURL]; dup {
				srcs[i].Tags = union(srcs[i].Tags, tags)
				continue
			}
			base := slug(label)
			if base == "" {
				base = slug(u.Hostname())
			}
			name := base
			for n := 2; used[name]; n++ {
				name = base + "-" + strconv.Itoa(n)
			}
			used[name] = true
			byURL[feedURL] = len(srcs)
			srcs = append(srcs, ImportedSource{Name: name, URL: feedURL, Title: label, Tags: tags})
			if len(o.Outlines) > 0 {
				walk(o.Outlines, append(slices.Clone(folders), slug(label)))
			}
		}
	}
	walk(doc.Body.Outlines, nil)
	return srcs, skipped, nil
}

// slug makes a source name: lowercase ASCII letters and digits (accents
// dropped: "Ñews" → "news"), runs of anything else as one '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
			// "Julia's blog" → "julias-blog"
		default:
			dash = true
		}
	}
	return b.String()
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

// WriteSources prints srcs as [[source]] tables.
func WriteSources(w io.Writer, srcs []ImportedSource, from string) {
	fmt.Fprintf(w, "# %d sources imported from %s by `tributary import-opml`.\n", len(srcs), from)
	for _, s := range srcs {
		fmt.Fprintf(w, "\n[[source]]\n")
		if s.Title != "" {
			fmt.Fprintf(w, "# %s\n", oneLine(s.Title))
		}
		fmt.Fprintf(w, "name = %s\nurl = %s\n", tomlString(s.Name), tomlString(s.URL))
		if len(s.Tags) > 0 {
			q := make([]string, len(s.Tags))
			for i, t := range s.Tags {
				q[i] = tomlString(t)
			}
			fmt.Fprintf(w, "tags = [%s]\n", strings.Join(q, ", "))
		}
	}
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
