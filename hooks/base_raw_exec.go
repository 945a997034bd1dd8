package hooks

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// dbx's NewQuery runs two regular expressions over the text of every
// statement (processSQL: the {:name} placeholders, the {{table}} and
// [[column]] quotes) — 11 % of the server's CPU in a complaint phase at 16
// concurrent, much of it inside the write transaction, where every
// microsecond is a microsecond the other writers wait for the one write
// connection (issue #23 item 2; BENCHMARKS.md § Creates, session 15). A
// statement whose text Wuye builds itself, already in the driver's form
// (? placeholders, names quoted), is built once and run on the same
// connection without that pass: execDriverForm.

// driverExecutor is the connection behind app.DB(): the transaction's when
// app is one. ok is false for a builder of another kind (none in
// PocketBase today), and the caller then goes through dbx.
func driverExecutor(app core.App) (exec dbx.Executor, db *dbx.DB, ok bool) {
	var inner dbx.Builder
	switch b := app.DB().(type) {
	case *dbx.Tx:
		inner = b.Builder
	case *dbx.DB:
		inner = b.Builder
	default:
		return nil, nil, false
	}
	e, ok := inner.(interface {
		Executor() dbx.Executor
		DB() *dbx.DB
	})
	if !ok {
		return nil, nil, false
	}
	return e.Executor(), e.DB(), true
}

// execDriverForm runs text (? placeholders, names quoted) with args on
// exec, and tells db's statement log as dbx's Execute would.
func execDriverForm(exec dbx.Executor, db *dbx.DB, text string, args []any) (sql.Result, error) {
	ctx := db.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	res, err := exec.ExecContext(ctx, text, args...)
	if db.ExecLogFunc != nil {
		db.ExecLogFunc(ctx, time.Since(start), text, res, err)
	}
	return res, err
}

// insertTexts keeps each INSERT's text in the driver's form by table and
// column list (insertText).
var insertTexts sync.Map // "table\x00col,col,…" → string

// insertText is "INSERT INTO `table` (`a`, `b`) VALUES (?, ?)" for the
// columns cols in that order, the text dbx's Insert would run once
// processed, so that the connection's kept statement (lib/stmtcache) is
// the same one.
func insertText(table string, cols []string) string {
	key := table + "\x00" + strings.Join(cols, ",")
	if t, ok := insertTexts.Load(key); ok {
		return t.(string)
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO `" + table + "` (")
	for i, c := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("`" + c + "`")
	}
	sb.WriteString(") VALUES (")
	for i := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('?')
	}
	sb.WriteByte(')')
	t, _ := insertTexts.LoadOrStore(key, sb.String())
	return t.(string)
}

// insertRow inserts one row of table (column → value, columns in sorted
// order as cols) through execDriverForm, or through dbx's Insert when the
// connection is not one it can reach.
func insertRow(app core.App, table string, cols []string, row map[string]any) error {
	exec, db, ok := driverExecutor(app)
	if !ok {
		if _, err := app.DB().Insert(table, dbx.Params(row)).Execute(); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		return nil
	}
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = row[c]
	}
	if _, err := execDriverForm(exec, db, insertText(table, cols), args); err != nil {
		return fmt.Errorf("insert %s: %w", table, err)
	}
	return nil
}
