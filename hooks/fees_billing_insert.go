package hooks

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/serial"
)

// Writing a batch of bills: one multi-row INSERT per 32 bills, their
// serials reserved in one step, instead of a record save per bill (see
// RunBilling in fees_billing.go for what that leaves out and why).

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain maps and structs of numbers and strings come here
	}
	return string(b)
}

// billTable writes bills with multi-row INSERTs. Every column of the bills
// table is written: those that differ from bill to bill (billRowCols) as
// parameters of each row, the rest once per statement — the values a run
// gives all its bills of a batch, and for the fields a run leaves blank the
// values PocketBase stores for a new blank bill record, taken from the
// collection's own fields (so a field added to the collection later is
// stored as a record save would store it).
type billTable struct {
	consts []string // the other columns, sorted
	blank  map[string]any
	sql    map[int]string // the INSERT for n rows
}

// billRowCols are the columns that differ from one bill to the next.
var billRowCols = []string{"id", "serial", "unit", "fee_item", "work_order", "source", "payer", "amount_fen", "basis"}

// billRowsPerInsert is how many bills one INSERT statement writes; the
// statement is prepared once per batch and run again for each group of
// rows. Not more: the SQLite driver matches each parameter to its argument
// with a linear search, so a statement's cost grows with the square of its
// parameters.
var billRowsPerInsert = 32

func newBillTable(app core.App, col *core.Collection) (*billTable, error) {
	blank, err := core.NewRecord(col).DBExport(app)
	if err != nil {
		return nil, err
	}
	t := &billTable{blank: blank, sql: map[int]string{}}
	for _, name := range append(slices.Clone(billRowCols), "created", "updated", "community", "period", "period_start",
		"period_end", "due_on", "status", "run") {
		if _, ok := blank[name]; !ok {
			return nil, fmt.Errorf("bills have no field %q", name)
		}
	}
	for name := range blank {
		if !slices.Contains(billRowCols, name) {
			t.consts = append(t.consts, name)
		}
	}
	slices.Sort(t.consts)
	return t, nil
}

// insertSQL is the INSERT of n rows: the rows' own values are parameters
// r0, r1, … (row by row, in the order of billRowCols), the values common to
// all rows c0, c1, … (in the order of consts), given once.
func (t *billTable) insertSQL(n int) string {
	if s, ok := t.sql[n]; ok {
		return s
	}
	var sb strings.Builder
	sb.WriteString("INSERT OR FAIL INTO {{bills}} (")
	for i, c := range append(slices.Clone(billRowCols), t.consts...) {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("[[" + c + "]]")
	}
	sb.WriteString(") SELECT v.*, c.* FROM (VALUES ")
	k := 0
	for r := 0; r < n; r++ {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range billRowCols {
			if c > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("{:r" + strconv.Itoa(k) + "}")
			k++
		}
		sb.WriteByte(')')
	}
	sb.WriteString(") AS v, (SELECT ")
	for i := range t.consts {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("{:c" + strconv.Itoa(i) + "} AS [[c" + strconv.Itoa(i) + "]]")
	}
	sb.WriteString(") AS c")
	t.sql[n] = sb.String()
	return t.sql[n]
}

// insert stores bills in transaction tx, numbering them with one block of
// serials of prefix for today. All of them are of one run and one batch:
// they share the fields that are not billRowCols (checkBill has checked
// them on every bill).
//
// INSERT OR FAIL rather than the default OR ABORT: a duplicate still stops
// the statement with an error, which rolls back the whole batch, and SQLite
// need not keep a statement journal to undo just the statement.
func (t *billTable) insert(tx core.App, bills []newBill, prefix string) error {
	if len(bills) == 0 {
		return nil
	}
	day := serial.Day(now())
	first, err := ReserveSerials(tx, prefix, day, len(bills))
	if err != nil {
		return err
	}
	stamp := nowDateTime().String()
	ids, err := batchIDs(len(bills))
	if err != nil {
		return err
	}
	b0 := &bills[0]
	consts := dbx.Params{}
	for i, name := range t.consts {
		v := t.blank[name]
		switch name {
		case "created", "updated":
			v = stamp
		case "community":
			v = b0.Community
		case "period":
			v = b0.Period
		case "period_start":
			v = b0.PeriodStart
		case "period_end":
			v = b0.PeriodEnd
		case "due_on":
			v = b0.DueOn
		case "status":
			v = b0.Status
		case "run":
			v = b0.Run
		}
		consts["c"+strconv.Itoa(i)] = v
	}
	for i := range bills {
		b := &bills[i]
		if b.Community != b0.Community || b.Period != b0.Period || b.PeriodStart != b0.PeriodStart || b.PeriodEnd != b0.PeriodEnd ||
			b.DueOn != b0.DueOn || b.Status != b0.Status || b.Run != b0.Run {
			return fmt.Errorf("bill of unit %s differs from its batch", b.Unit)
		}
	}
	per := billRowsPerInsert
	var stmt, one *dbx.Query // for per rows, and for one row
	defer func() {
		for _, q := range []*dbx.Query{stmt, one} {
			if q != nil {
				q.Close()
			}
		}
	}()
	names := make([]string, per*len(billRowCols))
	for i := range names {
		names[i] = "r" + strconv.Itoa(i)
	}
	// A prepared statement keeps the parameter map it was bound with:
	// each group of rows fills it in again.
	prepare := func(n int) (*dbx.Query, dbx.Params, error) {
		q := tx.DB().NewQuery(t.insertSQL(n)).Prepare()
		if q.LastError != nil {
			return nil, nil, fmt.Errorf("prepare bill insert: %w", q.LastError)
		}
		params := maps.Clone(consts)
		for _, name := range names[:n*len(billRowCols)] {
			params[name] = nil
		}
		q.Bind(params)
		return q, params, nil
	}
	var stmtParams, oneParams dbx.Params
	for start := 0; start < len(bills); {
		n, q, params := per, stmt, stmtParams
		if len(bills)-start < per {
			n, q, params = 1, one, oneParams
		}
		if q == nil {
			if q, params, err = prepare(n); err != nil {
				return err
			}
			if n == per {
				stmt, stmtParams = q, params
			} else {
				one, oneParams = q, params
			}
		}
		for r := 0; r < n; r++ {
			b := &bills[start+r]
			no, err := serial.Format(prefix, day, first+start+r)
			if err != nil {
				return err
			}
			k := r * len(billRowCols)
			for c, v := range [...]any{ids[start+r], no, b.Unit, b.FeeItem, b.WorkOrder, b.Source, b.Payer, b.AmountFen, b.Basis} {
				params[names[k+c]] = v
			}
		}
		if _, err := q.Execute(); err != nil {
			return fmt.Errorf("insert %d bills: %w", n, err)
		}
		start += n
	}
	return nil
}

// batchIDs are n record ids for the bills of one batch: a random prefix
// shared by the batch and a sequence number, 15 characters of [a-z0-9]
// like PocketBase's own ids. Ids that follow each other land side by side
// in the bills' id index, so a batch rewrites a few pages of it rather than
// one page per bill scattered over the whole index (which is what made
// each commit, and the WAL behind it, grow with the table).
func batchIDs(n int) ([]string, error) {
	const seqLen = 5 // 36⁵ ≈ 60 million bills a batch
	if n > 60_000_000 {
		return nil, fmt.Errorf("%d bills in one batch", n)
	}
	prefix := core.GenerateDefaultRandomId()[:15-seqLen]
	ids := make([]string, n)
	for i := range ids {
		seq := strconv.FormatInt(int64(i), 36)
		ids[i] = prefix + strings.Repeat("0", seqLen-len(seq)) + seq
	}
	return ids, nil
}
