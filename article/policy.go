package article

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// ugcFilter is the sanitising policy (bluemonday's UGC policy,
// RequireNoReferrerOnLinks, RequireParseableURLs, our additions: the
// reference is policy() in policy_ref_test.go) applied to scanHTML's token
// stream as it is written, so that a field is tokenised once. It is a port of bluemonday v1.0.27's Policy.sanitize and
// sanitizeAttrs for that one policy, state for state: given the tokens
// scanHTML writes, it writes what bluemonday writes reading them back
// (TestUGCFilterMatchesBluemonday, FuzzUGCFilterMatchesBluemonday hold it
// to that, byte for byte).
type ugcFilter struct {
	out *strings.Builder

	skipContent  bool     // inside an element whose content is dropped
	skipping     int      // such elements open
	closingSkip  []string // elements dropped for want of attributes: their end tags go too
	recentlyOpen string   // the last start tag, until its end tag
	attrs        []kv
}

func (f *ugcFilter) start(tag string, attrs []kv, selfClosing bool) {
	if !selfClosing {
		f.recentlyOpen = tag
	}
	if tag == "script" || tag == "style" {
		return
	}
	aps, ok := ugcElementAttrs[tag]
	if !ok {
		if !selfClosing && ugcSkipContent[tag] {
			f.skipContent = true
			f.skipping++
		}
		return
	}
	attrs = f.sanitizeAttrs(tag, attrs, aps)
	if len(attrs) == 0 && !ugcNoAttrs[tag] {
		if !selfClosing {
			f.closingSkip = append(f.closingSkip, tag)
		}
		return
	}
	if !f.skipContent {
		writeTag(f.out, tag, attrs, selfClosing)
	}
}

func (f *ugcFilter) end(tag string) {
	if f.recentlyOpen == tag {
		f.recentlyOpen = ""
	}
	if tag == "script" || tag == "style" {
		return
	}
	if n := len(f.closingSkip); n > 0 && f.closingSkip[n-1] == tag {
		f.closingSkip = f.closingSkip[:n-1]
		return
	}
	if _, ok := ugcElementAttrs[tag]; !ok {
		if ugcSkipContent[tag] {
			f.skipping--
			if f.skipping == 0 {
				f.skipContent = false
			}
		}
		return
	}
	if !f.skipContent {
		f.out.WriteString("</")
		f.out.WriteString(tag)
		f.out.WriteByte('>')
	}
}

func (f *ugcFilter) text(t []byte) {
	if f.skipContent || f.recentlyOpen == "script" || f.recentlyOpen == "style" {
		return
	}
	escapeBytesTo(f.out, t)
}

// sanitizeAttrs keeps the attributes the policy allows on tag (its own,
// then the global ones), validates the URLs bluemonday validates, and
// adds rel="nofollow noreferrer" to links.
func (f *ugcFilter) sanitizeAttrs(tag string, attrs []kv, aps map[string][]*regexp.Regexp) []kv {
	clean := f.attrs[:0]
	for _, a := range attrs {
		if pols, ok := aps[a.key]; ok && anyMatch(pols, a.val) {
			clean = append(clean, a)
			continue
		}
		if pols, ok := ugcGlobalAttrs[a.key]; ok && anyMatch(pols, a.val) {
			clean = append(clean, a)
		}
	}
	f.attrs = clean
	if len(clean) == 0 {
		return clean
	}
	urlKey := ""
	switch tag {
	case "a", "area":
		urlKey = "href"
	case "blockquote", "del", "ins", "q":
		urlKey = "cite"
	case "img":
		urlKey = "src"
	default:
		return clean
	}
	kept := clean[:0]
	for _, a := range clean {
		if a.key == urlKey {
			u, ok := ugcValidURL(a.val)
			if !ok {
				continue
			}
			a.val = u
		}
		kept = append(kept, a)
	}
	clean = kept
	if (tag == "a" || tag == "area") && len(clean) > 0 {
		href, relFound := false, false
		for _, a := range clean {
			href = href || a.key == "href"
		}
		if href {
			for i, a := range clean {
				if a.key == "rel" {
					if !strings.Contains(a.val, "nofollow") {
						clean[i].val += " nofollow"
					}
					if !strings.Contains(clean[i].val, "noreferrer") {
						clean[i].val += " noreferrer"
					}
					relFound = true
				}
			}
			if !relFound {
				clean = append(clean, kv{"rel", "nofollow noreferrer"})
			}
		}
	}
	f.attrs = clean
	return clean
}

func anyMatch(pols []*regexp.Regexp, v string) bool {
	for _, re := range pols {
		if re == nil || re.MatchString(v) {
			return true
		}
	}
	return false
}

// dataBase64Prefix is bluemonday's: white space is taken out of base64
// data URLs after it.
var dataBase64Prefix = regexp.MustCompile(`^data:[^,]*;base64,`)

// ugcValidURL is bluemonday's validURL with RequireParseableURLs, relative
// URLs allowed and the schemes policy() allows (each judged by SafeURL).
func ugcValidURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if strings.ContainsAny(raw, " \t\n") {
		if !strings.HasPrefix(raw, "data:") {
			return "", false
		}
		if m := dataBase64Prefix.FindString(raw); m != "" {
			raw = m + strings.ReplaceAll(strings.ReplaceAll(raw[len(m):], "\r", ""), "\n", "")
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	if u.Scheme != "" {
		switch u.Scheme {
		case "http", "https", "mailto", "data":
		default:
			return "", false
		}
		s := u.String()
		if SafeURL(URLLink, s) == "" && SafeURL(URLImage, s) == "" {
			return "", false
		}
		return s, true
	}
	if s := u.String(); s != "" {
		return s, true
	}
	return "", false
}

// The policy's tables, as bluemonday's UGCPolicy and our additions build
// them (policy() in policy_ref_test.go).
var (
	ugcSkipContent = setOf(`frame frameset iframe noembed noframes noscript nostyle object script style title`)

	ugcNoAttrs = setOf(`abbr acronym address article aside audio b bdi blockquote body br button canvas caption center cite code col colgroup
		datalist dd del details dfn div dl dt em fieldset figcaption figure footer h1 h2 h3 h4 h5 h6 head header hgroup hr html i ins kbd li
		mark marquee nav ol optgroup option p picture pre q rp rt ruby s samp script section select small span strike strong style sub summary
		sup svg table tbody td textarea tfoot th thead title time tr tt u ul var video wbr`)

	ugcGlobalAttrs = map[string][]*regexp.Regexp{
		"dir":   {bluemonday.Direction},
		"lang":  {regexp.MustCompile(`[a-zA-Z]{2,20}`)},
		"id":    {regexp.MustCompile(`[a-zA-Z0-9\:\-_\.]+`)},
		"title": {bluemonday.Paragraph},
	}

	ugcElementAttrs = func() map[string]map[string][]*regexp.Regexp {
		m := map[string]map[string][]*regexp.Regexp{}
		allow := func(res *regexp.Regexp, attrs string, elements string) {
			for _, e := range strings.Fields(elements) {
				if m[e] == nil {
					m[e] = map[string][]*regexp.Regexp{}
				}
				for _, a := range strings.Fields(attrs) {
					m[e][a] = append(m[e][a], res)
				}
			}
		}
		elements := func(es string) { allow(nil, "", es) }
		elements("article aside figure section summary h1 h2 h3 h4 h5 h6 hgroup br div hr p span wbr")
		allow(regexp.MustCompile(`(?i)^(|open)$`), "open", "details")
		allow(nil, "cite", "blockquote")
		allow(nil, "href", "a")
		allow(regexp.MustCompile(`^([\p{L}\p{N}_-]+)$`), "name", "map")
		allow(bluemonday.Paragraph, "alt", "area")
		allow(regexp.MustCompile(`^([0-9]+,)+[0-9]+$`), "coords", "area")
		allow(nil, "href", "area")
		allow(bluemonday.SpaceSeparatedTokens, "rel", "area")
		allow(regexp.MustCompile(`(?i)^(default|circle|rect|poly)$`), "shape", "area")
		allow(regexp.MustCompile(`(?i)^#[\p{L}\p{N}_-]+$`), "usemap", "img")
		elements("abbr acronym cite code dfn em figcaption mark s samp strong sub sup var")
		allow(nil, "cite", "q")
		allow(bluemonday.ISO8601, "datetime", "time")
		elements("b i pre small strike tt u")
		allow(bluemonday.Direction, "dir", "bdi bdo")
		elements("rp rt ruby")
		allow(bluemonday.Paragraph, "cite", "del ins")
		allow(bluemonday.ISO8601, "datetime", "del ins")
		allow(bluemonday.ListType, "type", "ol ul li")
		allow(bluemonday.Integer, "value", "li")
		elements("dl dt dd")
		allow(bluemonday.NumberOrPercent, "height width", "table")
		allow(bluemonday.Paragraph, "summary", "table")
		elements("caption")
		allow(bluemonday.CellAlign, "align", "col colgroup")
		allow(bluemonday.NumberOrPercent, "height width", "col colgroup")
		allow(bluemonday.Integer, "span", "colgroup col")
		allow(bluemonday.CellVerticalAlign, "valign", "col colgroup")
		allow(bluemonday.CellAlign, "align", "thead tr")
		allow(bluemonday.CellVerticalAlign, "valign", "thead tr")
		allow(bluemonday.Paragraph, "abbr", "td th")
		allow(bluemonday.CellAlign, "align", "td th")
		allow(bluemonday.Integer, "colspan rowspan", "td th")
		allow(bluemonday.SpaceSeparatedTokens, "headers", "td th")
		allow(bluemonday.NumberOrPercent, "height width", "td th")
		allow(regexp.MustCompile(`(?i)(?:row|col)(?:group)?`), "scope", "td th")
		allow(bluemonday.CellVerticalAlign, "valign", "td th")
		allow(regexp.MustCompile(`(?i)|nowrap`), "nowrap", "td th")
		allow(bluemonday.CellAlign, "align", "tbody tfoot")
		allow(bluemonday.CellVerticalAlign, "valign", "tbody tfoot")
		allow(bluemonday.Number, "value min max low high optimum", "meter")
		allow(bluemonday.Number, "value max", "progress")
		allow(bluemonday.ImageAlign, "align", "img")
		allow(bluemonday.Paragraph, "alt", "img")
		allow(bluemonday.NumberOrPercent, "height width", "img")
		allow(nil, "src", "img")
		// Ours (sanitize.go).
		elements("figure figcaption picture mark details summary time")
		allow(nil, "datetime", "time")
		allow(nil, "srcset sizes", "img source")
		allow(nil, "src type", "source")
		return m
	}()
)
