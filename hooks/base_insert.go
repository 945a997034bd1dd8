package hooks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Writing many rows of one table at once — an import's new records
// (imports_write.go), a fan-out batch's notifications and deliveries
// (base_notify.go, NotifyMany) — takes multi-row INSERTs with bound
// parameters instead of a save per row. Bills have a builder of their own
// that prepares one statement per billing batch (fees_billing_insert.go).

// paramsPerInsert bounds the parameters of one INSERT: the SQLite driver
// looks each up linearly, so a statement's cost grows with the square of
// its parameters (see billRowsPerInsert), and SQLite refuses a statement
// with more than its limit of variables.
const paramsPerInsert = 480

// rowsPerInsert is how many rows of cols columns one INSERT writes: as
// many as paramsPerInsert allows, at least one.
func rowsPerInsert(cols int) int { return max(1, paramsPerInsert/max(1, cols)) }

// insertRows writes rows (each with a value for each of cols, in order)
// into table, in tx, with INSERTs of rowsPerInsert(len(cols)) rows.
func insertRows(tx core.App, table string, cols []string, rows [][]any) error {
	per := rowsPerInsert(len(cols))
	exec, db, direct := driverExecutor(tx)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		for _, row := range chunk {
			if len(row) != len(cols) {
				return fmt.Errorf("insert %s: a row of %d values for %d columns", table, len(row), len(cols))
			}
		}
		if !direct {
			if err := insertRowsDBX(tx, table, cols, chunk); err != nil {
				return err
			}
			continue
		}
		// In the driver's form, built once per table, columns and number
		// of rows: dbx's processSQL would run its regular expressions over
		// the whole text, up to paramsPerInsert placeholders (issue #23
		// item 2, base_raw_exec.go).
		args := make([]any, 0, len(chunk)*len(cols))
		for _, row := range chunk {
			args = append(args, row...)
		}
		if _, err := execDriverForm(exec, db, multiInsertText(table, cols, len(chunk)), args); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}

// multiInsertText is insertText for n rows.
func multiInsertText(table string, cols []string, n int) string {
	key := table + "\x00" + strings.Join(cols, ",") + "\x00" + strconv.Itoa(n)
	if t, ok := insertTexts.Load(key); ok {
		return t.(string)
	}
	one := insertText(table, cols)
	values := one[strings.LastIndex(one, "("):]
	var sb strings.Builder
	sb.WriteString(one)
	for i := 1; i < n; i++ {
		sb.WriteString(", ")
		sb.WriteString(values)
	}
	t, _ := insertTexts.LoadOrStore(key, sb.String())
	return t.(string)
}

// insertRowsDBX is one INSERT of rows through dbx, for a connection
// driverExecutor cannot reach.
func insertRowsDBX(tx core.App, table string, cols []string, rows [][]any) error {
	var sb strings.Builder
	sb.WriteString("INSERT INTO {{" + table + "}} (")
	for i, c := range cols {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("[[" + c + "]]")
	}
	sb.WriteString(") VALUES ")
	params := make(dbx.Params, len(rows)*len(cols))
	k := 0
	for r, row := range rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for i, v := range row {
			if i > 0 {
				sb.WriteByte(',')
			}
			name := "p" + strconv.Itoa(k)
			k++
			sb.WriteString("{:" + name + "}")
			params[name] = v
		}
		sb.WriteByte(')')
	}
	if _, err := tx.DB().NewQuery(sb.String()).Bind(params).Execute(); err != nil {
		return fmt.Errorf("insert %s: %w", table, err)
	}
	return nil
}
