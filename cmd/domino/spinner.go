package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// spinner shows that a step with no measurable progress (a Graphviz
// layout) is still running: a label, a turning bar and the seconds
// elapsed, rewritten in place on a terminal a few times a second.
type spinner struct {
	w    io.Writer
	done chan struct{}
	wg   sync.WaitGroup
}

// newSpinner starts a spinner on w when w is a terminal; otherwise it
// returns a spinner that shows nothing, since carriage returns would litter
// a log file or a pipe.
func newSpinner(w io.Writer, label string) *spinner {
	s := &spinner{w: w}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return s
	}
	s.done = make(chan struct{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		const frames = `|/-\`
		start := time.Now()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(w, "\r%s %c %ds ", label, frames[i%len(frames)], int(time.Since(start).Seconds()))
			select {
			case <-s.done:
				fmt.Fprint(w, "\r\x1b[K") // clear the line for what follows
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// stop clears the spinner's line; it is safe to call on a spinner that
// shows nothing.
func (s *spinner) stop() {
	if s.done == nil {
		return
	}
	close(s.done)
	s.wg.Wait()
	s.done = nil
}
