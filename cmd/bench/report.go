package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// Table is one markdown table of figures.
type Table struct {
	Title  string     `json:"title"`
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
	Notes  []string   `json:"notes,omitempty"`
}

type sectionReport struct {
	Name    string         `json:"name"`
	Seconds float64        `json:"seconds"`
	Error   string         `json:"error,omitempty"`
	Tables  []Table        `json:"tables"`
	Metrics map[string]any `json:"metrics,omitempty"`
}

// Report gathers the sections' tables and figures.
type Report struct {
	Started  time.Time        `json:"started"`
	Quick    bool             `json:"quick"`
	Phase    string           `json:"phase"`
	Machine  map[string]any   `json:"machine"`
	Dataset  *Dataset         `json:"dataset,omitempty"`
	Sections []*sectionReport `json:"sections"`
	byName   map[string]*sectionReport
}

func newReport(o options) *Report {
	return &Report{Started: time.Now(), Quick: o.quick, Phase: o.phase.String(), Machine: machine(), byName: map[string]*sectionReport{}}
}

func (r *Report) begin(name string) {
	s := &sectionReport{Name: name, Metrics: map[string]any{}}
	r.Sections = append(r.Sections, s)
	r.byName[name] = s
}

func (r *Report) end(name string, d time.Duration, err error) {
	s := r.byName[name]
	s.Seconds = d.Seconds()
	if err != nil {
		s.Error = err.Error()
	}
}

func (b *Bench) current() *sectionReport {
	if s := b.report.byName[b.section]; s != nil {
		return s
	}
	b.report.begin(b.section)
	return b.report.byName[b.section]
}

// Table adds a markdown table to the current section's report and prints it.
func (b *Bench) Table(title string, header []string, rows [][]string, notes ...string) {
	t := Table{Title: title, Header: header, Rows: rows, Notes: notes}
	s := b.current()
	s.Tables = append(s.Tables, t)
	fmt.Print("\n" + t.markdown() + "\n")
}

// Metric records a raw figure of the current section for the JSON report.
func (b *Bench) Metric(key string, value any) {
	b.current().Metrics[key] = value
}

// Answer records a section's answer, the one line a document quotes: a
// metric of the JSON report under key, and the last lines the run prints.
func (b *Bench) Answer(key, line string) {
	b.Metric(key, line)
	b.answers = append(b.answers, line)
	b.Logf("%s", line)
}

func (t Table) markdown() string {
	var sb strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&sb, "**%s**\n\n", t.Title)
	}
	sb.WriteString("| " + strings.Join(t.Header, " | ") + " |\n|")
	for range t.Header {
		sb.WriteString("---|")
	}
	sb.WriteString("\n")
	for _, r := range t.Rows {
		sb.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	for _, n := range t.Notes {
		sb.WriteString("\n" + n + "\n")
	}
	return sb.String()
}

// Markdown is the whole report: the machine, the dataset, then every
// section's tables.
func (r *Report) Markdown(b *Bench) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "## Wuye benchmarks (%s)\n\n", r.Started.Format("2006-01-02 15:04"))
	m := r.Machine
	fmt.Fprintf(&sb, "Machine: %v, %v cores, %v GiB; %v; load average at start %v, at end %s.\n",
		m["cpu"], m["cores"], m["mem_gib"], m["go"], m["load_start"], loadAvg())
	cmd := "go run ./cmd/bench"
	if r.Quick {
		cmd += " -quick"
	}
	if b.opts.only != "" {
		cmd += " -only " + b.opts.only
	}
	fmt.Fprintf(&sb, "Command: `%s` (phase %s).\n", cmd, r.Phase)
	if b.data != nil {
		d := b.data
		r.Dataset = d
		fmt.Fprintf(&sb, "Dataset: %s.\n", d.Summary())
	}
	if r.Quick {
		sb.WriteString("\n**Smoke run (-quick): tiny dataset, ~1 s phases — the figures mean nothing.**\n")
	}
	for _, s := range r.Sections {
		fmt.Fprintf(&sb, "\n### %s (%.0f s)\n\n", s.Name, s.Seconds)
		if s.Error != "" {
			fmt.Fprintf(&sb, "**FAILED:** %s\n\n", s.Error)
		}
		for _, t := range s.Tables {
			sb.WriteString(t.markdown() + "\n")
		}
	}
	return sb.String()
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(path string, b *Bench) error {
	if b.data != nil {
		r.Dataset = b.data
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

func machine() map[string]any {
	m := map[string]any{"cores": runtime.NumCPU(), "go": runtime.Version(), "load_start": loadAvg()}
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
	}
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.SplitN(string(raw), "\n", 2)[0], "MemTotal: %d kB", &kb)
		m["mem_gib"] = fmt.Sprintf("%.0f", float64(kb)/(1<<20))
	}
	if _, ok := m["cpu"]; !ok {
		m["cpu"] = runtime.GOARCH
	}
	return m
}

func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// ratio formats a/b, or "–" when b is zero.
func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", a/b)
}
