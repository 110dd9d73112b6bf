package listjobs

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeMaxLines bounds README.md: it is the front door (what this is, the two set-up
// commands, the five journeys with a link each); everything else lives in docs/.
const readmeMaxLines = 250

// TestREADMEIsAFrontDoor fails when README.md grows past readmeMaxLines lines.
func TestREADMEIsAFrontDoor(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := countLines(string(b)); n > readmeMaxLines {
		t.Errorf("README.md has %d lines, more than %d: move the detail to a page of docs/ and link it", n, readmeMaxLines)
	}
}

// TestCountLines pins the count the front-door test relies on: a last line without its
// newline counts, an empty file has none.
func TestCountLines(t *testing.T) {
	for s, want := range map[string]int{"": 0, "a": 1, "a\n": 1, "a\nb": 2, "a\n\nb\n": 3} {
		if got := countLines(s); got != want {
			t.Errorf("countLines(%q) = %d, want %d", s, got, want)
		}
	}
}

func countLines(s string) int {
	n := strings.Count(s, "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}

// docPages are the Markdown pages whose relative links are checked: README.md, every page
// of docs/ and the other top-level pages they link to.
func docPages(t *testing.T) []string {
	t.Helper()
	var pages []string
	for _, glob := range []string{"*.md", "docs/*.md"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, m...)
	}
	if len(pages) < 2 {
		t.Fatalf("found only %v: run the test from the repository root", pages)
	}
	return pages
}

// TestDocLinksResolve checks every relative link of the pages: the file or folder it
// names exists, and so does the heading its #anchor names (GitHub's anchors).
func TestDocLinksResolve(t *testing.T) {
	for _, page := range docPages(t) {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range markdownLinks(string(b)) {
			if err := checkLink(page, l.target); err != nil {
				t.Errorf("%s:%d: link %q: %v", page, l.line, l.target, err)
			}
		}
	}
}

func checkLink(page, target string) error {
	if isExternal(target) {
		return nil
	}
	path, anchor, _ := strings.Cut(target, "#")
	file := page
	if path != "" {
		file = filepath.Join(filepath.Dir(page), filepath.FromSlash(path))
		if _, err := os.Stat(file); err != nil {
			return fmt.Errorf("no such file or folder: %s", file)
		}
	}
	if anchor == "" {
		return nil
	}
	if !strings.HasSuffix(file, ".md") {
		return fmt.Errorf("an anchor into %s, which is not a Markdown page", file)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if !headingAnchors(string(b))[anchor] {
		return fmt.Errorf("%s has no heading whose anchor is #%s", file, anchor)
	}
	return nil
}

func isExternal(target string) bool {
	return strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") ||
		strings.HasPrefix(target, "mailto:")
}

type link struct {
	target string
	line   int
}

var (
	// inlineLink is [text](target): text without "]", target without blanks or ")".
	inlineLink = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	codeSpan   = regexp.MustCompile("`[^`]*`")
)

// markdownLinks returns the inline links of a page, outside fenced code blocks and code
// spans, with their line numbers.
func markdownLinks(md string) []link {
	var links []link
	for i, line := range proseLines(md) {
		for _, m := range inlineLink.FindAllStringSubmatch(codeSpan.ReplaceAllString(line, "``"), -1) {
			links = append(links, link{m[1], i + 1})
		}
	}
	return links
}

// proseLines returns the lines of a page with those of fenced code blocks (and the
// fences) blanked, so that line numbers are kept.
func proseLines(md string) []string {
	var lines []string
	fenced := false
	sc := bufio.NewScanner(strings.NewReader(md))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			lines = append(lines, "")
			continue
		}
		if fenced {
			line = ""
		}
		lines = append(lines, line)
	}
	return lines
}

var (
	heading     = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	headingLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	notInSlug   = regexp.MustCompile(`[^\p{L}\p{N}\s_-]`)
)

// headingAnchors returns the anchors GitHub gives a page's headings: the text as shown
// (links reduced to their text, no backticks or emphasis marks), lower case, without
// punctuation, blanks as hyphens; a repeated anchor gets -1, -2, ...
func headingAnchors(md string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, line := range proseLines(md) {
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := headingLink.ReplaceAllString(m[1], "$1")
		text = strings.NewReplacer("`", "", "*", "").Replace(text)
		slug := notInSlug.ReplaceAllString(strings.ToLower(text), "")
		slug = strings.ReplaceAll(strings.TrimSpace(slug), " ", "-")
		if n := seen[slug]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			anchors[slug] = true
		}
		seen[slug]++
	}
	return anchors
}

// TestLinkCheckerCatchesBreaks feeds the checker broken links, so that it is known to fail.
func TestLinkCheckerCatchesBreaks(t *testing.T) {
	md := "# A `page`\n\n## Scale run (`@scale`)\n\n## Scale run (`@scale`)\n\n```sh\n[not](a-link.md)\n```\n" +
		"See [x](#scale-run-scale), [y](#scale-run-scale-1), [`z`](CONTRACT.md#known-gaps) and `[w](code.md)`.\n" +
		"Broken: [a](#no-such-heading), [b](docs/none.md), [c](CONTRACT.md#no-such-row), [d](https://example.com/x).\n"
	dir := t.TempDir()
	page := filepath.Join(dir, "page.md")
	if err := os.WriteFile(page, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	contract, err := os.ReadFile("CONTRACT.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "CONTRACT.md"), contract, 0o644); err != nil {
		t.Fatal(err)
	}
	var broken []string
	for _, l := range markdownLinks(md) {
		if checkLink(page, l.target) != nil {
			broken = append(broken, l.target)
		}
	}
	want := []string{"#no-such-heading", "docs/none.md", "CONTRACT.md#no-such-row"}
	if strings.Join(broken, " ") != strings.Join(want, " ") {
		t.Errorf("broken links found: %q, want %q", broken, want)
	}
}
