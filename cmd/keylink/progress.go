package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a bar with an ETA on a terminal and stays quiet otherwise.
type progress struct {
	w     io.Writer
	name  string
	unit  string // what is counted: events, rows
	tty   bool
	start time.Time
	last  time.Time
	n     int64
}

func newProgress(w io.Writer, name string) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			tty = st.Mode()&os.ModeCharDevice != 0
		}
	}
	return &progress{w: w, name: name, unit: "events", tty: tty, start: time.Now()}
}

func (p *progress) update(done, total int64) {
	p.n = done
	if !p.tty || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprint(p.w, "\r"+renderProgress(p.name, p.unit, done, total, time.Since(p.start)))
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprint(p.w, "\r"+renderProgress(p.name, p.unit, p.n, p.n, time.Since(p.start))+"\n")
	}
}

// renderProgress formats one line: name, bar, percentage, counts and ETA.
func renderProgress(name, unit string, done, total int64, elapsed time.Duration) string {
	const width = 30
	frac := 1.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	filled := int(frac * width)
	eta := "--"
	if done > 0 && done < total {
		eta = (time.Duration(float64(elapsed) / float64(done) * float64(total-done))).Round(time.Second).String()
	} else if done >= total {
		eta = "0s"
	}
	return fmt.Sprintf("%-12s [%s%s] %3.0f%% %d/%d %s, ETA %s ", name,
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100, done, total, unit, eta)
}
