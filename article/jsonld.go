package article

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// jsonLD is the schema.org data of a page: every node of every
// application/ld+json script (nested nodes and @graph members included), and
// the nodes that carry an @id, for resolving references.
type jsonLD struct {
	nodes []map[string]any
	byID  map[string]map[string]any
}

// reCDATA matches the CDATA wrappers some pages put around their JSON-LD.
var reCDATA = regexp.MustCompile(`(?:/[/*]\s*)?(?:<!\[CDATA\[|\]\]>)(?:\s*\*/)?`)

// Bounds on what one page's JSON-LD may cost.
const (
	maxLDNodes = 5000
	maxLDDepth = 32
)

// parseJSONLD reads the JSON-LD scripts of doc. Scripts that do not parse
// are skipped.
func parseJSONLD(doc *goquery.Document) *jsonLD {
	ld := &jsonLD{byID: map[string]map[string]any{}}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		t, _ := s.Attr("type")
		if !strings.Contains(strings.ToLower(t), "ld+json") {
			return
		}
		var v any
		text := strings.TrimSpace(s.Text())
		text = strings.TrimSuffix(strings.TrimPrefix(text, "<!--"), "-->")
		text = reCDATA.ReplaceAllString(text, "")
		text = strings.TrimSuffix(strings.TrimSpace(text), ";")
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return
		}
		ld.walk(v, 0)
	})
	return ld
}

func (ld *jsonLD) walk(v any, depth int) {
	if depth > maxLDDepth || len(ld.nodes) >= maxLDNodes {
		return
	}
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			ld.walk(x, depth+1)
		}
	case map[string]any:
		ld.nodes = append(ld.nodes, v)
		if id, ok := v["@id"].(string); ok && id != "" && len(v) > 1 {
			if _, seen := ld.byID[id]; !seen {
				ld.byID[id] = v
			}
		}
		for _, x := range v {
			ld.walk(x, depth+1)
		}
	}
}

// ldTypes lists a node's @type values (local names: "NewsArticle").
func ldTypes(n map[string]any) []string {
	var out []string
	add := func(s string) {
		if i := strings.LastIndexAny(s, "/#:"); i >= 0 {
			s = s[i+1:]
		}
		out = append(out, s)
	}
	switch t := n["@type"].(type) {
	case string:
		add(t)
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				add(s)
			}
		}
	}
	return out
}

// isArticleType reports the schema.org types that are an article itself.
func isArticleType(t string) bool {
	switch t {
	case "BlogPosting", "LiveBlogPosting", "SocialMediaPosting", "Report", "Recipe", "HowTo", "Review":
		return true
	case "Comment", "Answer", "Question", "DiscussionForumPosting":
		return false
	}
	return strings.HasSuffix(t, "Article")
}

// isPerReplyType reports types whose counts belong to one reply, not the
// page.
func isPerReplyType(t string) bool {
	switch t {
	case "Comment", "Answer", "Question", "DiscussionForumPosting", "UserComments", "Person", "Organization":
		return true
	}
	return false
}

// tier is 0 for article nodes, 1 for other page-level nodes (WebPage …),
// -1 for nodes describing one reply or a person.
func tier(n map[string]any) int {
	best := 1
	for _, t := range ldTypes(n) {
		if isArticleType(t) {
			return 0
		}
		if isPerReplyType(t) {
			best = -1
		}
	}
	return best
}

// byTier calls f on the article nodes, then on the other page-level nodes,
// until f returns true.
func (ld *jsonLD) byTier(f func(map[string]any) bool) {
	for want := 0; want <= 1; want++ {
		for _, n := range ld.nodes {
			if tier(n) == want && f(n) {
				return
			}
		}
	}
}

// authors is the byline of the page's article node: its author (string,
// Person, Organization, reference by @id, or a list of these), and whether
// every author it names is an organisation.
func (ld *jsonLD) authors(lang string) ([]string, bool) {
	var names []string
	org := false
	ld.byTier(func(n map[string]any) bool {
		if v, ok := n["author"]; ok {
			names = cleanNames(ld.names(v, 0), lang)
			org = ld.allOrgs(v, 0)
		}
		return len(names) > 0
	})
	return names, org
}

// allOrgs reports whether an author value names only organisations.
func (ld *jsonLD) allOrgs(v any, depth int) bool {
	if depth > 4 {
		return false
	}
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if !ld.allOrgs(x, depth+1) {
				return false
			}
		}
		return len(v) > 0
	case map[string]any:
		if id, ok := v["@id"].(string); ok && len(v) <= 2 {
			if ref, ok := ld.byID[id]; ok && len(ref) > 1 {
				v = ref
			}
		}
		for _, t := range ldTypes(v) {
			if strings.HasSuffix(t, "Organization") || t == "Corporation" || t == "WebSite" {
				return true
			}
		}
	}
	return false
}

// names resolves an author value to raw names.
func (ld *jsonLD) names(v any, depth int) []string {
	if depth > 4 {
		return nil
	}
	switch v := v.(type) {
	case string:
		if parseAbs(v) != nil {
			return nil // a profile URL, not a name
		}
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, ld.names(x, depth+1)...)
		}
		return out
	case map[string]any:
		if name, ok := v["name"]; ok {
			switch name := name.(type) {
			case string:
				return []string{name}
			case []any:
				return ld.names(name, depth+1)
			}
		}
		if id, ok := v["@id"].(string); ok {
			if ref, ok := ld.byID[id]; ok {
				if _, loop := ref["@id"]; loop && len(ref) == 1 {
					return nil
				}
				return ld.names(ref, depth+1)
			}
		}
	}
	return nil
}

// commentCount is the article's commentCount (a number or a string), else
// the count of an interactionStatistic whose type is CommentAction.
func (ld *jsonLD) commentCount() (*int, bool) {
	var found *int
	ld.byTier(func(n map[string]any) bool {
		if c, ok := ldCount(n["commentCount"]); ok {
			found = &c
			return true
		}
		for _, st := range asList(n["interactionStatistic"]) {
			m, ok := st.(map[string]any)
			if !ok || !isCommentAction(m["interactionType"]) {
				continue
			}
			if c, ok := ldCount(m["userInteractionCount"]); ok {
				found = &c
				return true
			}
		}
		return false
	})
	return found, found != nil
}

func isCommentAction(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.HasSuffix(v, "CommentAction")
	case map[string]any:
		for _, t := range ldTypes(v) {
			if t == "CommentAction" {
				return true
			}
		}
	}
	return false
}

// ldCount reads a JSON-LD count: a whole non-negative number or a string of
// digits.
func ldCount(v any) (int, bool) {
	switch v := v.(type) {
	case float64:
		if v >= 0 && v <= maxComments && v == float64(int(v)) {
			return int(v), true
		}
	case string:
		return parseCount(v)
	}
	return 0, false
}

func asList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case nil:
		return nil
	}
	return []any{v}
}
