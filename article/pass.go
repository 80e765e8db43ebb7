package article

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// One token pass per HTML field. scanHTML tokenises a fragment once
// (x/net/html's tokenizer, no tree) and in that pass
//
//   - makes relative URLs absolute (every URL attribute and srcset
//     candidate) and drops those SafeURL refuses for their place;
//   - balances the markup: end tags without a start dropped, elements the
//     HTML parser would close implicitly (a <p> before a block, an <li>
//     before the next, a link inside a link) closed, everything still open
//     closed at the end, nesting bounded at maxOpen;
//   - collects the readable text (the read time's words), leaving out
//     furniture (furniture.go) as readableText always has.
//
// With the policy applied in the same pass (scanSafe, ugcFilter in
// policy.go) it is the whole of Sanitize. It replaced a tree parse and
// render (to absolutise), bluemonday's own tokenising and a further token
// pass (FilterURLs), and a second tree parse (to time the read): over a
// third of a fetch pass's CPU.

// maxOpen bounds the elements open at once (x/net/html's parser stops at
// 512 too); deeper start tags are dropped, their text kept.
const maxOpen = 512

// maxAttrs bounds the attributes kept on one tag: a tag with thousands
// would otherwise cost a quadratic duplicate check.
const maxAttrs = 64

// scanned is what one pass gives.
type scanned struct {
	html string // balanced, absolutised HTML (when asked)
	text string // readable text (when asked)
}

type openElem struct {
	name string
	furn int // innermost furniture-class element at or above this one, -1 when none
}

// furnElem is an element named like furniture (class or id): its text is
// left out unless it holds more than half the fragment's.
type furnElem struct {
	parent int // enclosing furniture-class element, -1 when none
	size   int // bytes of text under it (trimmed, as textSize counts)
}

// textRun is a run of the readable text under a furniture-class element.
type textRun struct{ start, end, furn int }

// scanHTML makes one pass over fragment (already CleanText'ed); base may be
// nil (URLs left relative). wantHTML and wantText say what to build.
func scanHTML(fragment string, base *url.URL, wantHTML, wantText bool) scanned {
	return scan(fragment, base, wantHTML, wantText, false)
}

// scanSafe is scanHTML with the sanitising policy applied in the same pass
// (ugcFilter): its HTML is Sanitize's, but for the final trimming.
func scanSafe(fragment string, base *url.URL, wantText bool) scanned {
	return scan(fragment, base, true, wantText, true)
}

func scan(fragment string, base *url.URL, wantHTML, wantText, applyPolicy bool) scanned {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var out, text strings.Builder
	var pol *ugcFilter
	if applyPolicy {
		pol = &ugcFilter{out: &out}
	}
	if wantHTML {
		out.Grow(len(fragment) + len(fragment)/8)
	}
	if wantText {
		text.Grow(len(fragment) / 2)
	}
	var (
		stack   []openElem
		furns   []furnElem
		runs    []textRun
		total   int  // bytes of readable text (trimmed per text token)
		skipped int  // open furniture tags (script, nav, form...): their text is no prose
		attrs   []kv // reused per tag
	)
	curFurn := func() int {
		if len(stack) == 0 {
			return -1
		}
		return stack[len(stack)-1].furn
	}
	space := func() {
		if wantText && skipped == 0 {
			text.WriteByte(' ')
		}
	}
	closeTop := func() {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case pol != nil:
			pol.end(e.name)
		case wantHTML:
			out.WriteString("</")
			out.WriteString(e.name)
			out.WriteByte('>')
		}
		if furnitureTags[e.name] && skipped > 0 {
			skipped--
		}
		space()
	}
	// closeTo closes every element above and including stack[i].
	closeTo := func(i int) {
		for len(stack) > i {
			closeTop()
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			closeTo(0)
			return finishScan(&out, &text, furns, runs, total, wantText)

		case html.TextToken:
			t := z.Text()
			switch {
			case pol != nil:
				pol.text(t)
			case wantHTML:
				escapeBytesTo(&out, t)
			}
			if wantText && skipped == 0 {
				start := text.Len()
				text.Write(t)
				n := trimmedLen(t)
				total += n
				if f := curFurn(); f >= 0 {
					runs = append(runs, textRun{start, text.Len(), f})
					for ; f >= 0; f = furns[f].parent {
						furns[f].size += n
					}
				}
			}

		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := tagName(name)
			attrs = attrs[:0]
			furniture := false
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if len(attrs) >= maxAttrs {
					continue // no element needs more; seen stays cheap
				}
				key := attrKey(k)
				if seen(attrs, key) {
					continue // the first wins, as in the HTML parser
				}
				val := string(v)
				if wantText && (key == "class" || key == "id") && reFurniture.MatchString(val) {
					furniture = true
				}
				if wantHTML {
					switch {
					case key == "srcset":
						if val = safeSrcset(absoluteSrcset(base, val)); val == "" {
							continue
						}
					case urlAttrs[key]:
						// A value that does not parse as written (a control
						// character from "&#1;", say) is dropped, as the
						// policy's RequireParseableURLs would, before SafeURL
						// trims it into something that does.
						ref := strings.TrimSpace(val)
						u, err := url.Parse(ref)
						if err != nil {
							continue
						}
						if base != nil && ref != "" && ref[0] != '#' && !u.IsAbs() {
							val = base.ResolveReference(u).String() // absoluteURL, parsed once
						}
						if val = SafeURL(attrKind(tag, key), val); val == "" {
							continue
						}
					}
				}
				attrs = append(attrs, kv{key, val})
			}
			if voidElements[tag] {
				switch {
				case pol != nil:
					pol.start(tag, attrs, true)
				case wantHTML:
					writeTag(&out, tag, attrs, true)
				}
				space()
				continue
			}
			if tag == "xmp" || tag == "plaintext" {
				// Obsolete raw-text elements: their text is kept (as text),
				// the tags are not.
				space()
				continue
			}
			closeImplied(stack, tag, closeTo)
			if len(stack) >= maxOpen {
				space()
				continue
			}
			f := curFurn()
			if furniture {
				furns = append(furns, furnElem{parent: f})
				f = len(furns) - 1
			}
			stack = append(stack, openElem{name: tag, furn: f})
			space()
			if furnitureTags[tag] {
				skipped++
			}
			switch {
			case pol != nil:
				pol.start(tag, attrs, false)
			case wantHTML:
				writeTag(&out, tag, attrs, false)
			}

		case html.EndTagToken:
			name, _ := z.TagName()
			tag := tagName(name)
			if tag == "br" { // </br> is a <br>, as the HTML parser reads it
				switch {
				case pol != nil:
					pol.start("br", nil, true)
				case wantHTML:
					out.WriteString("<br/>")
				}
				space()
				continue
			}
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == tag {
					closeTo(i)
					break
				}
			}
			// An end tag with no open element is dropped.

		default:
			// Comments and doctypes: dropped (the policy drops them too).
		}
	}
}

// finishScan leaves out the text of furniture-class elements holding at
// most half the fragment's text, as readableText's tree walk did.
func finishScan(out, text *strings.Builder, furns []furnElem, runs []textRun, total int, wantText bool) scanned {
	s := scanned{html: out.String()}
	if !wantText {
		return s
	}
	t := text.String()
	left := func(f int) bool {
		for ; f >= 0; f = furns[f].parent {
			if 2*furns[f].size <= total {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	last := 0
	for _, r := range runs {
		if left(r.furn) {
			if b.Cap() == 0 {
				b.Grow(len(t))
			}
			b.WriteString(t[last:r.start])
			b.WriteByte(' ')
			last = r.end
		}
	}
	if b.Cap() == 0 {
		s.text = t
		return s
	}
	b.WriteString(t[last:])
	s.text = b.String()
	return s
}

type kv struct{ key, val string }

func seen(attrs []kv, key string) bool {
	for _, a := range attrs {
		if a.key == key {
			return true
		}
	}
	return false
}

// writeTag writes a start tag with its attributes double-quoted and
// escaped; void elements end in "/>", as html.Render writes them.
func writeTag(out *strings.Builder, tag string, attrs []kv, void bool) {
	out.WriteByte('<')
	out.WriteString(tag)
	for _, a := range attrs {
		out.WriteByte(' ')
		out.WriteString(a.key)
		out.WriteString(`="`)
		escapeTo(out, a.val)
		out.WriteByte('"')
	}
	if void {
		out.WriteString("/>")
		return
	}
	out.WriteByte('>')
}

// escapeTo writes s escaped as x/net/html escapes (& ' < > " and CR).
func escapeTo(out *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		if esc := escapeOf(s[i]); esc != "" {
			out.WriteString(s[last:i])
			out.WriteString(esc)
			last = i + 1
		}
	}
	out.WriteString(s[last:])
}

// escapeBytesTo is escapeTo for the tokenizer's bytes, without a copy.
func escapeBytesTo(out *strings.Builder, s []byte) {
	last := 0
	for i, c := range s {
		if esc := escapeOf(c); esc != "" {
			out.Write(s[last:i])
			out.WriteString(esc)
			last = i + 1
		}
	}
	out.Write(s[last:])
}

func escapeOf(c byte) string {
	switch c {
	case '&':
		return "&amp;"
	case '\'':
		return "&#39;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	case '"':
		return "&#34;"
	case '\r':
		return "&#13;"
	}
	return ""
}

// trimmedLen is len(strings.TrimSpace(t)) without the string.
func trimmedLen(t []byte) int {
	i, j := 0, len(t)
	for i < j && asciiSpace(t[i]) {
		i++
	}
	for j > i && asciiSpace(t[j-1]) {
		j--
	}
	if i == j {
		return 0
	}
	// Unicode white space at the edges (rare): TrimSpace's own answer.
	if t[i] >= utf8.RuneSelf || t[j-1] >= utf8.RuneSelf {
		return len(strings.TrimSpace(string(t[i:j])))
	}
	return j - i
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// knownTags interns the element names of the tags feeds use, so that
// tagName allocates nothing for them.
var knownTags = func() map[string]string {
	m := map[string]string{}
	for _, t := range strings.Fields(`a abbr address article aside b bdi bdo blockquote body br button caption cite code col colgroup dd del details dfn div dl dt em embed fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd li link main mark meta nav noscript object ol p picture pre q s samp script section small source span strike strong style sub summary sup svg table tbody td template textarea tfoot th thead time title tr tt u ul var video audio track wbr center font big`) {
		m[t] = t
	}
	return m
}()

func tagName(b []byte) string {
	if s, ok := knownTags[string(b)]; ok {
		return s
	}
	return string(b)
}

// knownAttrs interns the common attribute names.
var knownAttrs = func() map[string]string {
	m := map[string]string{}
	for _, a := range strings.Fields(`href src srcset sizes alt title class id rel target width height type datetime cite lang dir loading decoding name content style data-src`) {
		m[a] = a
	}
	return m
}()

func attrKey(b []byte) string {
	if s, ok := knownAttrs[string(b)]; ok {
		return s
	}
	return string(b)
}

// pClosers are the start tags that close an open <p> (the HTML parser's
// "close a p element in button scope").
var pClosers = setOf(`address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section summary table ul li dd dt`)

// scopeEnds are the elements an implied close never reaches past.
var scopeEnds = setOf(`table td th caption button object template html body marquee applet`)

var headings = setOf(`h1 h2 h3 h4 h5 h6`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields(s) {
		m[t] = true
	}
	return m
}

// closeImplied closes what the HTML parser closes before a start tag of
// tag: a <p> before a block, the previous <li>, <dd>/<dt>, table row or
// cell, a heading before a heading, a link before a link.
func closeImplied(stack []openElem, tag string, closeTo func(int)) {
	find := func(names map[string]bool, stops map[string]bool) int {
		for i := len(stack) - 1; i >= 0; i-- {
			n := stack[i].name
			if names[n] {
				return i
			}
			if scopeEnds[n] || stops[n] {
				return -1
			}
		}
		return -1
	}
	switch tag {
	case "li":
		if i := find(setLi, setLists); i >= 0 {
			closeTo(i)
			return
		}
	case "dd", "dt":
		if i := find(setDdDt, setDl); i >= 0 {
			closeTo(i)
			return
		}
	case "a":
		if i := find(setA, nil); i >= 0 {
			closeTo(i)
			return
		}
	case "tr":
		if i := findIn(stack, "tr", setTable); i >= 0 {
			closeTo(i)
		}
		return
	case "td", "th":
		if i := findIn(stack, "td", setRow); i >= 0 {
			closeTo(i)
		} else if i := findIn(stack, "th", setRow); i >= 0 {
			closeTo(i)
		}
		return
	}
	if headings[tag] && len(stack) > 0 && headings[stack[len(stack)-1].name] {
		closeTo(len(stack) - 1)
		return
	}
	if pClosers[tag] {
		if i := find(setP, nil); i >= 0 {
			closeTo(i)
		}
	}
}

// findIn finds the innermost open name, not past stops.
func findIn(stack []openElem, name string, stops map[string]bool) int {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].name == name {
			return i
		}
		if stops[stack[i].name] {
			return -1
		}
	}
	return -1
}

var (
	setLi    = setOf("li")
	setLists = setOf("ul ol")
	setDdDt  = setOf("dd dt")
	setDl    = setOf("dl")
	setA     = setOf("a")
	setP     = setOf("p")
	setTable = setOf("table thead tbody tfoot")
	setRow   = setOf("tr table")
)
