package article

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

var pageURL, _ = url.Parse("https://example.com/2024/01/post/")

// htmlPage wraps head and body parts in a page with enough prose for
// readability to find an article.
func htmlPage(head, body string) string {
	prose := strings.Repeat("<p>"+words(60)+".</p>\n", 6)
	return "<!DOCTYPE html><html><head><title>A post</title>" + head + "</head><body>" + body +
		"<article><h1>A post</h1>" + prose + "</article></body></html>"
}

func TestPageBylines(t *testing.T) {
	for _, tc := range []struct {
		name, head, body string
		want             []string
		from             string
	}{
		{"json-ld author object", `<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","author":{"@type":"Person","name":"Jane Doe"}}</script>`, "", []string{"Jane Doe"}, FromJSONLD},
		{"json-ld several authors", `<script type="application/ld+json">{"@type":"BlogPosting","author":[{"name":"Jane Doe"},"John Roe"]}</script>`, "", []string{"Jane Doe", "John Roe"}, FromJSONLD},
		{"json-ld @graph with @id reference", `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
			{"@type":"WebPage","@id":"https://example.com/#page"},
			{"@type":"Article","@id":"https://example.com/#article","author":{"@id":"https://example.com/#/schema/person/1"}},
			{"@type":"Person","@id":"https://example.com/#/schema/person/1","name":"Ela"}]}</script>`, "", []string{"Ela"}, FromJSONLD},
		{"json-ld in CDATA", `<script type="application/ld+json">//<![CDATA[
			{"@type":"Article","author":{"name":"Jane Doe"}}
			//]]></script>`, "", []string{"Jane Doe"}, FromJSONLD},
		{"json-ld article outranks other nodes", `<script type="application/ld+json">[{"@type":"WebSite","author":"Site Owner"},{"@type":"Article","author":"Jane Doe"}]</script>`, "", []string{"Jane Doe"}, FromJSONLD},
		{"broken json-ld skipped", `<script type="application/ld+json">{"@type":"Article","author":</script><meta name="author" content="Meta Name">`, "", []string{"Meta Name"}, FromMetaAuthor},
		{"meta author", `<meta name="Author" content="By Jane Doe">`, "", []string{"Jane Doe"}, FromMetaAuthor},
		{"article:author name", `<meta property="article:author" content="Jane Doe">`, "", []string{"Jane Doe"}, FromArticleMeta},
		{"article:author url skipped", `<meta property="article:author" content="https://facebook.com/jane"><meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Jane Doe">`, "", []string{"Jane Doe"}, FromTwitterData},
		{"yoast written by", `<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Jane Doe"><meta name="twitter:label2" content="Est. reading time"><meta name="twitter:data2" content="7 minutes">`, "", []string{"Jane Doe"}, FromTwitterData},
		{"rel author", "", `<div class="byline">by <a rel="author" href="/u/jane">Jane Doe</a></div>`, []string{"Jane Doe"}, FromRelAuthor},
		{"byline class", "", `<p class="byline">By Jane Doe</p>`, []string{"Jane Doe"}, FromClass},
		{"dates are not bylines", `<meta name="author" content="Updated March 3, 2024">`, "", nil, ""},
		// Every place publishers put a byline, each rule on a made-up page.
		{"json-ld name, not url", `<script type="application/ld+json">{"@type":"Article","author":{"@type":"Person","url":"https://example.com/u/jane","name":"Jane Doe"}}</script>`, "", []string{"Jane Doe"}, FromJSONLD},
		{"dc.creator", `<meta name="DC.creator" content="Jane Doe">`, "", []string{"Jane Doe"}, FromDCMeta},
		{"dcterms in an rdfa property list", `<meta property="og:author dcterms:creator" content="Jane Doe">`, "", []string{"Jane Doe"}, FromDCMeta},
		{"microdata author name", "", `<div itemprop="author" itemscope itemtype="https://schema.org/Person"><img src="/a.jpg"><span itemprop="name">Jane Doe</span><span itemprop="jobTitle">Reporter</span></div>`, []string{"Jane Doe"}, FromMicrodata},
		{"hcard fn", "", `<span class="entry-meta vcard">Posted by <a class="fn n" href="/u/jane">Jane Doe</a></span>`, []string{"Jane Doe"}, FromHCard},
		{"wordpress byline author", `<html lang="de">`, `<span class="byline author">von <a href="/author/jane/">Jana Schmidt</a></span>`, []string{"Jana Schmidt"}, FromClass},
		{"blogger post-author in its widget", "", `<div class="widget Blog" id="Blog1"><div class="post-footer"><span class="post-author vcard">Posted by <span class="fn">Jane Doe</span></span></div></div>`, []string{"Jane Doe"}, FromHCard},
		{"by line without markup", `<html lang="de">`, `<p><i>von Daniela Obers</i></p>`, []string{"Daniela Obers"}, FromByLine},
		{"label then name", "", `<h5>Autor:</h5>Peter Maahn<br>`, []string{"Peter Maahn"}, FromByLine},
		{"label heading then paragraph", "", `<h4>Autor</h4><p><a href="/p/n">Nikolai Huke</a></p>`, []string{"Nikolai Huke"}, FromByLine},
		{"label in running text", "", `<div>Symbolgrafik: stock. Autor: <a href="/ra">Rechtsanwalt</a> Sebastian Einbock</div>`, []string{"Rechtsanwalt Sebastian Einbock"}, FromByLine},
		{"meta line going on past the date", `<html lang="de">`, `<p class="postmetadata">Von R. R. am 07.08.2013 um 09:07 Uhr gespeichert unter <a href="/k">Kino</a>, <a href="/f">Film</a> und weiteren Kategorien dieses kleinen Blogs über das Kino</p>`, []string{"R. R."}, FromByLine},
		{"signature and contributor classes", "", `<div class="pane-node-signature"><span class="field-contributor"><a href="/c/m">Matthieu Hy</a></span></div>`, []string{"Matthieu Hy"}, FromClass},
		{"photo credit is no author", "", `<div class="photoauthor"><a href="/p">ev</a></div>`, nil, ""},
		{"date, then the author", `<html lang="de">`, `<h2>Stars <span>06.11.2023 13:30 von Olga </span></h2>`, []string{"Olga"}, FromByLine},
		{"meta author signing with another site is the theme's maker", `<meta name="author" content="Theo Themer - http://themes.example.net"><meta name="generator" content="WordPress">`, "", nil, ""},
		{"meta author signing with the page's own site", `<meta name="author" content="Jane Doe - https://www.example.com/about">`, "", []string{"Jane Doe"}, FromMetaAuthor},
		{"a picture's licence credit is no byline", `<html lang="de">`, `<div class="license-info"><span class="license-type"><a href="https://creativecommons.org/licenses/by/2.0/">cc by</a></span><span class="author-name"><a class="license-author" href="/wiki/File:x.jpg">Pat Lensman</a></span></div><div class="author"><p>Autor <span>Jana Roe:</span></p></div>`, []string{"Jana Roe"}, FromClass},
		{"an interview's credit names who asked", `<html lang="de"><meta name="author" content="Uwe Uploader">`, `<p><em>Ein Interview von <strong>Jana Roe</strong> mit <strong>Max Gast</strong>.</em></p>`, []string{"Jana Roe"}, FromByLine},
		{"a letter signed, then dated", `<html lang="de">`, `<div class="entry"><p>Erster Absatz des Briefes.</p><p>Zweiter Absatz des Briefes.</p><p>Kiki<br> 3. März 2019</p></div>`, []string{"Kiki"}, FromSignature},
		{"a last paragraph of a name and more text is no signature", `<html lang="de">`, `<div class="entry"><p>Erster Absatz des Briefes.</p><p>Zweiter Absatz des Briefes.</p><p>Kiki<br> 3. März 2019<br>Nachtrag folgt</p></div>`, nil, ""},
		{"a column named aside is a sidebar", "", `<div class="aside secondary" id="aside"><div class="list"><p><span class="ref">9/11</span> <a href="/other">Another story</a> <small>(<span class="vcard author"><a class="fn url" href="/a/x">Ola Other</a></span>, Notes)</small></p></div></div>`, nil, ""},
		{"a post of the aside format is no sidebar", "", `<div class="post format-aside"><span class="byline">By Jane Doe</span></div>`, []string{"Jane Doe"}, FromClass},
		{"the post author's reply to a comment", "", `<ol class="commentlist"><li class="comment byuser comment-author-rita"><div class="comment-author vcard"><cite class="fn">Rita Reader</cite></div><p>Nice.</p></li><li class="comment byuser comment-author-wanda bypostauthor"><div class="comment-author vcard"><cite class="fn"><a href="/">wanda</a></cite> says:</div><p>Thanks!</p></li></ol>`, []string{"wanda"}, FromPostAuthorReply},
		{"a comment not by the post author names no one", "", `<ol class="commentlist"><li class="comment byuser comment-author-rita"><div class="comment-author vcard"><cite class="fn">Rita Reader</cite></div><p>Nice.</p></li></ol>`, nil, ""},
		{"initials standing for the author account's name", "", `<p class="post-info">Posted by <span class="author vcard"><a class="url fn n" href="https://example.com/author/kimberlyowens/" rel="author">KO</a></span></p>`, nil, ""},
		{"initials that are no account's abbreviation", "", `<p class="post-info">Posted by <span class="author vcard"><a class="url fn n" href="https://example.com/author/ko/" rel="author">KO</a></span></p>`, []string{"KO"}, FromRelAuthor},
		{"hidden byline skipped", "", `<span class="author" style="display: none">Hidden Person</span><p class="byline">By Shown Person</p>`, []string{"Shown Person"}, FromClass},
		{"main column named sidebar is read", "", `<div id="sidebar" class="content-area"><h1>A post</h1><span class="author vcard"><a class="fn">Heiko Sauer</a></span></div>`, []string{"Heiko Sauer"}, FromHCard},
		{"layout flag is no sidebar", "", `<div class="module_blog module_no_sidebar"><a class="vcard author"><span class="fn">Paddy</span></a></div>`, []string{"Paddy"}, FromHCard},
		{"an article's own aside is read", "", `<article><aside><span class="article-author"><span itemprop="name">Nicolas Perriault</span></span></aside><p>text</p></article>`, []string{"Nicolas Perriault"}, FromClass},
		{"a header is read whatever its id", "", `<header id="share-btns_containerParent"><ul class="meta"><li class="author"><a href="/a/h">Hazel Sheffield</a></li></ul></header>`, []string{"Hazel Sheffield"}, FromClass},
		{"signed last paragraph", "", `<div class="text"><p>` + words(40) + `.</p><p>` + words(40) + `.</p><p><b><i>Stefan Wasmer</i></b></p></div>`, []string{"Stefan Wasmer"}, FromSignature},
		{"bold last line that is no name", "", `<div class="text"><p>` + words(40) + `.</p><p>` + words(40) + `.</p><p><i>Photo credits: Jane Doe</i></p></div>`, nil, ""},
		{"author box", "", `<div class="author-bio"><h3>Martin Junker</h3><p>Martin writes about cars.</p></div>`, []string{"Martin Junker"}, FromAuthorBox},
		{"comment authors are not the byline", "", `<ol class="comment-list"><li class="comment"><span class="comment-author vcard"><b class="fn">Commenter</b></span></li></ol>`, nil, ""},
		{"sidebar author widget skipped", "", `<aside><span class="author">Other Person</span></aside><div class="sidebar"><a rel="author">Other Person</a></div>`, nil, ""},
		{"related posts skipped", "", `<ul class="related-posts"><li><span class="author">By Other Person</span></li></ul>`, nil, ""},
		{"teaser card skipped", "", `<a href="/other"><h3>Other story</h3><span class="autor">Von Other Person</span></a>`, nil, ""},
		{"promo skipped", "", `<section id="contentPromo"><span class="author">by <a rel="author">Other Person</a></span></section>`, nil, ""},
		{"headline is no name", "", `<p class="byline">Yellow Vests and I</p>`, nil, ""},
		{"profile label is no name", "", `<a rel="author" href="/profile">Afficher mon profil complet</a>`, nil, ""},
		// Conflicts between the metadata and what the page shows.
		{"site name yields to a shown person", `<meta name="author" content="Example Daily"><meta property="og:site_name" content="Example Daily">`, `<span class="author-name">Lisa Petrich</span>`, []string{"Lisa Petrich"}, FromClass},
		{"json-ld organization yields to a shown person", `<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Organization","name":"Example News"}}</script>`, `<p class="byline">By Jens Meyer</p>`, []string{"Jens Meyer"}, FromClass},
		{"newsroom yields to a shown person", `<meta name="author" content="Landesanstalt für Wald">`, `<span itemprop="author">Joachim Hamberger</span>`, []string{"Joachim Hamberger"}, FromMicrodata},
		{"login slug yields to a shown person", `<script type="application/ld+json">{"@type":"Article","author":"sarah-indra"}</script>`, `<span class="author">Mark Newton</span>`, []string{"Mark Newton"}, FromClass},
		{"shown by line beats a different metadata person", `<script type="application/ld+json">{"@type":"Article","author":{"@type":"Person","name":"Gilles Editor"}}</script>`, `<p>Par Uriel Gadessaud</p><html lang="fr">`, []string{"Uriel Gadessaud"}, FromByLine},
		{"metadata person kept when the page agrees", `<meta name="author" content="Jane Doe">`, `<p class="byline">By Jane Doe</p>`, []string{"Jane Doe"}, FromMetaAuthor},
		{"metadata person kept over a weak class", `<meta name="author" content="Jane Doe">`, `<span class="writer">Someone Else</span>`, []string{"Jane Doe"}, FromMetaAuthor},
		{"site name kept when no person is shown", `<meta name="author" content="Example Daily"><meta property="og:site_name" content="Example Daily">`, "", []string{"Example Daily"}, FromMetaAuthor},
		{"web agency is no byline", `<meta name="author" content="Web Commerce GmbH">`, "", nil, ""},
		{"domain is no byline", `<meta name="author" content="news.example.de">`, "", nil, ""},
		{"several credited, agency kept", `<html lang="de">`, `<p class="autorenzeile">Von Anna Schmidt, Jan Meier und Eva Roth, NDR</p>`, []string{"Anna Schmidt", "Jan Meier", "Eva Roth", "NDR"}, FromClass},
		{"nothing", "", "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ExtractPage([]byte(htmlPage(tc.head, tc.body)), pageURL)
			if !reflect.DeepEqual(p.Authors, tc.want) || p.AuthorFrom != tc.from {
				t.Errorf("Authors = %q from %q, want %q from %q", p.Authors, p.AuthorFrom, tc.want, tc.from)
			}
		})
	}
}

func TestPageComments(t *testing.T) {
	ld := func(s string) string { return `<script type="application/ld+json">` + s + `</script>` }
	for _, tc := range []struct {
		name, head, body string
		want             *int
		from             string
	}{
		{"json-ld number", ld(`{"@type":"BlogPosting","commentCount":18}`), "", intp(18), FromJSONLD},
		{"json-ld string", ld(`{"@type":"Article","commentCount":"80"}`), "", intp(80), FromJSONLD},
		{"json-ld zero", ld(`{"@type":"Article","commentCount":0}`), `<aside class="widget"><p>9 Kommentare</p></aside>`, intp(0), FromJSONLD},
		{"json-ld in @graph", ld(`{"@graph":[{"@type":"WebPage"},{"@type":"Article","commentCount":24}]}`), "", intp(24), FromJSONLD},
		{"json-ld interactionStatistic", ld(`{"@type":"NewsArticle","interactionStatistic":[{"@type":"InteractionCounter","interactionType":"https://schema.org/LikeAction","userInteractionCount":99},{"@type":"InteractionCounter","interactionType":{"@type":"CommentAction"},"userInteractionCount":"12"}]}`), "", intp(12), FromJSONLD},
		{"json-ld per comment ignored", ld(`{"@type":"Comment","commentCount":4}`), "", nil, ""},
		{"json-ld garbage ignored", ld(`{"@type":"Article","commentCount":"lots"}`), "", nil, ""},
		{"microdata article level", "", `<div itemscope itemtype="https://schema.org/BlogPosting"><span itemprop="commentCount">6</span></div>`, intp(6), FromMicrodata},
		{"microdata content attribute", "", `<article itemscope itemtype="http://schema.org/NewsArticle"><meta itemprop="commentCount" content="5"></article>`, intp(5), FromMicrodata},
		{"microdata per answer ignored", "", `<div itemscope itemtype="https://schema.org/QAPage"><div itemprop="mainEntity" itemscope itemtype="https://schema.org/Question"><span itemprop="commentCount">2</span>
			<div itemscope itemtype="https://schema.org/Answer"><span itemprop="commentCount">4</span></div><div itemscope itemtype="https://schema.org/Answer"><span itemprop="commentCount">1</span></div></div></div>`, nil, ""},
		{"comment section heading", "", `<div id="comments"><h3 class="comments-title">13 Comments</h3></div>`, intp(13), FromPageText},
		{"singular german", "", `<section id="kommentare"><h4>1 Kommentar</h4></section>`, intp(1), FromPageText},
		{"responses in meta line", "", `<div class="entry-meta"><a href="#respond">2 Responses</a></div>`, intp(2), FromPageText},
		{"comments on title", "", `<h3>2 comments on “A post”</h3>`, intp(2), FromPageText},
		{"count split over elements", "", `<header><div class="article-meta"><a href="/forum/1" class="comments-link">71<span> Kommentare</span></a></div></header>`, intp(71), FromPageText},
		{"thousands", "", `<h2 id="comments">1,204 Comments</h2>`, intp(1204), FromPageText},
		{"sidebar counts ignored", "", `<aside><ul><li><a href="/other">Other post</a><p>9 Kommentare</p></li></ul></aside><div class="widget recent-posts"><h4>4 Comments</h4></div>`, nil, ""},
		{"related posts ignored", "", `<div class="related-posts"><h3>Other</h3><a href="/other#comments">12 Comments</a></div>`, nil, ""},
		{"loose text ignored", "", `<p>We read 85 comments before writing this.</p><div>3 comments</div>`, nil, ""},
		{"none", "", "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ExtractPage([]byte(htmlPage(tc.head, tc.body)), pageURL)
			if !reflect.DeepEqual(p.Comments, tc.want) || p.CommentsFrom != tc.from {
				t.Errorf("Comments = %v from %q, want %v from %q", fmtCount(p.Comments), p.CommentsFrom, fmtCount(tc.want), tc.from)
			}
		})
	}
}

func TestPageStatedRead(t *testing.T) {
	p := ExtractPage([]byte(htmlPage("", `<div class="meta">Jane Doe · 7 Min Read</div>`)), pageURL)
	if p.StatedRead != 7 {
		t.Errorf("StatedRead = %d, want 7", p.StatedRead)
	}
	p = ExtractPage([]byte(htmlPage(`<meta name="twitter:label2" content="Est. reading time"><meta name="twitter:data2" content="4 minutes">`, "")), pageURL)
	if p.StatedRead != 4 {
		t.Errorf("Yoast StatedRead = %d, want 4", p.StatedRead)
	}
}

func TestPageBodyLatin1(t *testing.T) {
	page := []byte(htmlPage(`<meta charset="iso-8859-1"><meta name="author" content="Jos`+"\xe9"+` Saramago">`, ""))
	p := ExtractPage(page, pageURL)
	if !reflect.DeepEqual(p.Authors, []string{"José Saramago"}) {
		t.Errorf("Authors = %q", p.Authors)
	}
	if p.ReadTime != 2 || !strings.Contains(p.Body, "<p>") {
		t.Errorf("ReadTime %d body %.80q", p.ReadTime, p.Body)
	}
}

// A blog named as its owner: the site's name is passed over for a person,
// and kept when nothing else is shown.
func TestPageBylineSiteName(t *testing.T) {
	blog, _ := url.Parse("https://surfguard.blog.example/2016/11/post/")
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"only the owner's name", `<span class="byline"><span class="author vcard"><a class="url fn n" href="/author/surfguard/">surfguard</a></span></span>`, []string{"surfguard"}},
		{"a person after the site's name", `<span class="author">Surfguard</span><p class="byline">By Jane Doe</p>`, []string{"Jane Doe"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ExtractPage([]byte(htmlPage("", tc.body)), blog)
			if !reflect.DeepEqual(p.Authors, tc.want) {
				t.Errorf("Authors = %q from %q, want %q", p.Authors, p.AuthorFrom, tc.want)
			}
		})
	}
}
