//go:build unix

package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// findChromium returns the path of a Chromium or Chrome, "" when there is
// none.
func findChromium() string {
	if p := os.Getenv("DOMINO_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// cdp is a Chrome DevTools Protocol client over --remote-debugging-pipe:
// the browser reads commands on its fd 3 and writes replies and events on
// its fd 4, each a JSON message ended by a NUL byte. A pipe needs no
// WebSocket client, so no dependency.
type cdp struct {
	cmd     *exec.Cmd
	w       *os.File
	mu      sync.Mutex
	next    int
	waiting map[int]chan cdpMsg
	events  chan cdpMsg
	done    chan struct{}
}

type cdpMsg struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func startCDP(t *testing.T, chromium string) *cdp {
	t.Helper()
	toBrowser, w, err := os.Pipe()
	require.NoError(t, err)
	r, fromBrowser, err := os.Pipe()
	require.NoError(t, err)
	// Not t.TempDir: Chromium's helper processes may still write into its
	// profile for a moment after the browser is killed, and TempDir's
	// cleanup fails the test on a directory that is not empty.
	profile, err := os.MkdirTemp("", "domino-chromium-")
	require.NoError(t, err)
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--hide-scrollbars", "--window-size=1280,900",
		"--user-data-dir="+profile, "--remote-debugging-pipe", "about:blank")
	// Its own process group, so that the cleanup kills the helpers too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser} // fds 3 and 4
	require.NoError(t, cmd.Start())
	toBrowser.Close()
	fromBrowser.Close()
	c := &cdp{cmd: cmd, w: w, waiting: map[int]chan cdpMsg{}, events: make(chan cdpMsg, 4096), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		br := bufio.NewReaderSize(r, 1<<20)
		for {
			b, err := br.ReadBytes(0)
			if err != nil {
				return
			}
			var m cdpMsg
			if json.Unmarshal(b[:len(b)-1], &m) != nil {
				continue
			}
			if m.ID != 0 {
				c.mu.Lock()
				ch := c.waiting[m.ID]
				delete(c.waiting, m.ID)
				c.mu.Unlock()
				if ch != nil {
					ch <- m
				}
				continue
			}
			select {
			case c.events <- m:
			default: // a flood of events: the test reads the ones it needs
			}
		}
	}()
	t.Cleanup(func() {
		w.Close()
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		for range 20 { // the helpers' last writes
			if os.RemoveAll(profile) == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	return c
}

// call sends a command and waits for its reply.
func (c *cdp) call(ctx context.Context, session, method string, params any, result any) error {
	c.mu.Lock()
	c.next++
	id := c.next
	ch := make(chan cdpMsg, 1)
	c.waiting[id] = ch
	c.mu.Unlock()
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	msg, _ := json.Marshal(cdpMsg{ID: id, Method: method, Params: p, SessionID: session})
	if _, err := c.w.Write(append(msg, 0)); err != nil {
		return err
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-c.done:
		return errors.New("the browser went away")
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// pageCheck is what the browser saw of a page.
type pageCheck struct {
	problems []string          // console errors, exceptions, requests leaving the file
	sections map[string]string // section id -> "" when visible, else why not
	pdf      []byte
}

// checkPage opens the file at path and reports what it logged, what it
// requested and whether each of ids is a visible section, then prints it.
func checkPage(t *testing.T, c *cdp, path string, ids []string) pageCheck {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var target struct {
		TargetID string `json:"targetId"`
	}
	require.NoError(t, c.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target))
	var att struct {
		SessionID string `json:"sessionId"`
	}
	require.NoError(t, c.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att))
	s := att.SessionID
	for _, m := range []string{"Runtime.enable", "Log.enable", "Network.enable", "Page.enable"} {
		require.NoError(t, c.call(ctx, s, m, map[string]any{}, nil))
	}
	url := "file://" + path
	require.NoError(t, c.call(ctx, s, "Page.navigate", map[string]any{"url": url}, nil))

	var res pageCheck
	loaded := false
	quiet := time.After(90 * time.Second)
	for !loaded {
		select {
		case ev := <-c.events:
			if ev.SessionID != s {
				continue
			}
			res.problems = append(res.problems, eventProblem(ev, url)...)
			loaded = ev.Method == "Page.loadEventFired"
		case <-quiet:
			t.Fatal("the page did not load in 90s")
		}
	}
	// Late events (a deferred request, a console error after load).
	settle := time.After(500 * time.Millisecond)
	for done := false; !done; {
		select {
		case ev := <-c.events:
			if ev.SessionID == s {
				res.problems = append(res.problems, eventProblem(ev, url)...)
			}
		case <-settle:
			done = true
		}
	}

	idsJSON, _ := json.Marshal(ids)
	// Pairs [id, why not visible ("": visible)], then the DOM's URLs that
	// are neither data: nor anchors.
	expr := `JSON.stringify(` + string(idsJSON) + `.map(id => {
		const e = document.getElementById(id);
		if (!e) return [id, "missing"];
		const r = e.getBoundingClientRect(), st = getComputedStyle(e);
		if (st.display === "none" || st.visibility !== "visible") return [id, "hidden by CSS"];
		if (r.width < 100 || r.height < 40) return [id, "too small: " + r.width + "x" + r.height];
		for (const img of e.querySelectorAll("img")) {
			if (!img.complete || img.naturalWidth === 0) return [id, "an image did not load: " + img.alt];
		}
		return [id, ""];
	}).concat([["_external", [...document.querySelectorAll("[src],[href]")].map(e => e.getAttribute("src") || e.getAttribute("href"))
		.filter(u => !u.startsWith("data:") && !u.startsWith("#")).join(" ")]]))`
	var ev struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails any `json:"exceptionDetails"`
	}
	require.NoError(t, c.call(ctx, s, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &ev))
	require.Nil(t, ev.ExceptionDetails, "evaluate: %v", ev.ExceptionDetails)
	var pairs [][2]string
	require.NoError(t, json.Unmarshal([]byte(ev.Result.Value), &pairs))
	res.sections = map[string]string{}
	for _, p := range pairs {
		if p[0] == "_external" {
			if p[1] != "" {
				res.problems = append(res.problems, "the DOM points outside the file: "+p[1])
			}
			continue
		}
		res.sections[p[0]] = p[1]
	}

	var pdf struct {
		Data string `json:"data"`
	}
	require.NoError(t, c.call(ctx, s, "Page.printToPDF", map[string]any{"preferCSSPageSize": true, "printBackground": true}, &pdf))
	res.pdf, _ = base64.StdEncoding.DecodeString(pdf.Data)
	_ = c.call(ctx, "", "Target.closeTarget", map[string]any{"targetId": target.TargetID}, nil)
	return res
}

// eventProblem returns what is wrong in a browser event: an error on the
// console or in the log (a Content-Security-Policy violation is one), an
// uncaught exception, a request for anything but the file or a data: URL.
func eventProblem(ev cdpMsg, url string) []string {
	switch ev.Method {
	case "Runtime.consoleAPICalled":
		var p struct {
			Type string `json:"type"`
			Args []struct {
				Value any `json:"value"`
			} `json:"args"`
		}
		_ = json.Unmarshal(ev.Params, &p)
		if p.Type == "error" || p.Type == "warning" {
			return []string{fmt.Sprintf("console %s: %v", p.Type, p.Args)}
		}
	case "Runtime.exceptionThrown":
		return []string{"exception: " + string(ev.Params)}
	case "Log.entryAdded":
		var p struct {
			Entry struct {
				Level, Text, URL string
			} `json:"entry"`
		}
		_ = json.Unmarshal(ev.Params, &p)
		if p.Entry.Level == "error" || p.Entry.Level == "warning" {
			return []string{fmt.Sprintf("log %s: %s %s", p.Entry.Level, p.Entry.Text, p.Entry.URL)}
		}
	case "Network.requestWillBeSent":
		var p struct {
			Request struct {
				URL string `json:"url"`
			} `json:"request"`
		}
		_ = json.Unmarshal(ev.Params, &p)
		if u := p.Request.URL; u != url && !strings.HasPrefix(u, "data:") {
			return []string{"request leaving the file: " + u}
		}
	}
	return nil
}

// TestReportInChromium opens a report in headless Chromium: no console
// error, no request but the file itself, every section visible, and it
// prints to PDF. A page that loads an outside image must fail the same
// checks, so that they are seen to work.
func TestReportInChromium(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		msg := "\n" + strings.Repeat("!", 72) + "\nSKIPPED: no Chromium found (chromium, chromium-browser, google-chrome or $DOMINO_CHROMIUM):\n" +
			"the HTML report was NOT checked in a browser. Install one: apt-get install -y chromium\n" + strings.Repeat("!", 72)
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	if testing.Short() {
		t.Skip("-short: the browser check takes seconds")
	}
	dir := t.TempDir()
	file := writeTargets(t)
	out := filepath.Join(dir, "report.html")
	code, _, errOut := runCLI(t, context.Background(), "report", file, "-o", out)
	require.Equal(t, exitOK, code, errOut)

	c := startCDP(t, chromium)
	ids := []string{"provenance", "headline", "compliance", "recovery", "downtime", "causes", "cascade", "comparison"}
	got := checkPage(t, c, out, ids)
	assert.Empty(t, got.problems, "the report must log no error and request nothing")
	for _, id := range ids {
		assert.Equal(t, "", got.sections[id], "section %s must be visible", id)
	}
	assert.True(t, strings.HasPrefix(string(got.pdf), "%PDF-"), "prints to PDF")
	assert.Greater(t, len(got.pdf), 10000, "the PDF has content")

	// The control: the same report with an outside image and a hidden
	// section. The checks must catch both.
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	bad := strings.Replace(string(b), `<section id="causes">`, `<section id="causes" style="display:none"><img src="https://example.invalid/x.png" alt="x">`, 1)
	badPath := filepath.Join(dir, "bad.html")
	require.NoError(t, os.WriteFile(badPath, []byte(bad), 0o644))
	got = checkPage(t, c, badPath, ids)
	assert.NotEmpty(t, got.problems, "an outside image must show as a problem")
	assert.Equal(t, "hidden by CSS", got.sections["causes"])
	t.Logf("control page problems: %q", got.problems)

	// A yearly scenario with mitigations, --rank and --advise: the annual
	// risk with its loss-exceedance curve, rank and advise are visible
	// too, and their tables are the commands' own, not raw CSV.
	yearly := writeFile(t, dir, "yearly.yaml", yearlyYAML)
	out = filepath.Join(dir, "yearly.html")
	code, _, errOut = runCLI(t, context.Background(), "report", yearly, "--rank", "--advise", "-o", out)
	require.Equal(t, exitOK, code, errOut)
	ids = []string{"provenance", "headline", "compliance", "recovery", "downtime", "causes", "cascade", "comparison", "rank", "advise", "risk"}
	got = checkPage(t, c, out, ids)
	assert.Empty(t, got.problems, "the report must log no error and request nothing")
	for _, id := range ids {
		assert.Equal(t, "", got.sections[id], "section %s must be visible", id)
	}
}
