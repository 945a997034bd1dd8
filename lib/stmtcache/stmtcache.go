// Package stmtcache is the SQLite driver with each connection keeping the
// statements it has compiled.
//
// PocketBase and dbx prepare every statement anew, and SQLite's parser is
// not cheap: compiling took 27 % of the server's CPU in the realtime
// benchmark on the 1M-row history (BENCHMARKS.md § Realtime), the most for
// an INSERT into complaints or work_orders, which compiles the monthly
// summaries' triggers into the statement each time. The same SQL text comes
// back constantly (a record by id, an insert into a collection, a rule's
// query), so each connection keeps its most recently used statements,
// compiled, and runs them again with the new arguments. SQLite recompiles a
// kept statement by itself when the schema changes (sqlite3_prepare_v2).
//
// The driver is modernc.org/sqlite's, wrapped; database/sql never uses one
// connection from two goroutines at once, so a connection's cache needs no
// lock. PocketBase's create-rule query, whose text is new on every create,
// is given one text first (canonical.go). A statement is not run again while the rows of its previous run are
// still open (a query inside the loop over another's rows): that run gets a
// statement of its own, as without the cache.
//
// A value written +?: SQLite compiles a kept statement again before a run
// whose bound value its plan may depend on — a value compared with an
// indexed column that has STAT4 samples (ANALYZE, which the lists need) —
// unless the statement is simple enough for the planner's short cut (one
// table, its primary key). Such a recompile costs what the first did: the
// unit read with its building and community at every intake took 65–330 µs
// a run against 22–38 µs written `u.id = +?` (BenchmarkValueWrittenPlus,
// two runs on a loaded machine). A value written +? has the same meaning (a bound value
// has no affinity either way) and, where the column's own index is the
// only fitting one, the same plan; the planner then reads no STAT4 sample
// for it, so the statement runs as compiled. Wuye's statements on the
// create path use it (hooks/registry_places.go readPlace, the hot-group
// queries in hooks/complaints.go).
package stmtcache

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"sync/atomic"

	"modernc.org/sqlite"
)

// DriverName is the name the driver is registered under with database/sql.
const DriverName = "sqlite_stmtcache"

// Size is how many statements a connection keeps. One change (a complaint
// filed, an order dispatched) runs some 40 different statements, and a
// connection serves every kind of change. A statement holds its program (a
// few KB; one that writes a table with triggers, the triggers' programs
// too), and the server keeps eleven connections open.
const Size = 128

func init() {
	sql.Register(DriverName, &Driver{Base: &sqlite.Driver{}, Size: Size})
}

// Driver opens Base's connections with a statement cache of Size.
type Driver struct {
	Base driver.Driver
	Size int
}

// Open opens a connection of the base driver and gives it a cache.
func (d *Driver) Open(name string) (driver.Conn, error) {
	c, err := d.Base.Open(name)
	if err != nil {
		return nil, err
	}
	return newConn(c, d.Size)
}

// base is what a connection of the base driver must do for the cache.
type base interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
}

type conn struct {
	base
	size  int
	byKey map[string]*list.Element
	lru   *list.List // front: most recently used
}

type entry struct {
	query string
	stmt  driver.Stmt
	busy  bool // its rows are open
}

func newConn(c driver.Conn, size int) (driver.Conn, error) {
	b, ok := c.(base)
	if !ok {
		c.Close()
		return nil, errors.New("stmtcache: the base driver's connection lacks the context methods")
	}
	return &conn{base: b, size: size, byKey: map[string]*list.Element{}, lru: list.New()}, nil
}

// Counts of every connection of the process: statements run from the
// cache, compiled into it, and run uncached because their kept one was in
// use.
var hits, misses, busy atomic.Int64

// Stats returns how many statements ran kept (hits), were compiled and kept
// (misses), and ran uncached because the kept one was in use (busy), over
// all connections since the process started.
func Stats() (hit, miss, inUse int64) { return hits.Load(), misses.Load(), busy.Load() }

// get returns the kept statement for query, compiling and keeping it if it
// is not there; nil if it is in use or cannot be kept.
func (c *conn) get(ctx context.Context, query string) *entry {
	if el, ok := c.byKey[query]; ok {
		e := el.Value.(*entry)
		if e.busy {
			busy.Add(1)
			return nil
		}
		hits.Add(1)
		c.lru.MoveToFront(el)
		return e
	}
	misses.Add(1)
	s, err := c.base.PrepareContext(ctx, query)
	if err != nil {
		return nil // the uncached path reports the error
	}
	e := &entry{query: query, stmt: s}
	c.byKey[query] = c.lru.PushFront(e)
	for c.lru.Len() > c.size {
		c.evict(c.lru.Back())
	}
	return e
}

// evict forgets the entry at el and closes its statement, unless its rows
// are open: then the rows close it.
func (c *conn) evict(el *list.Element) {
	e := el.Value.(*entry)
	c.lru.Remove(el)
	delete(c.byKey, e.query)
	if !e.busy {
		e.stmt.Close()
	}
}

// drop forgets a statement that failed, so that the next run compiles it
// again (it may have failed because the schema under it changed).
func (c *conn) drop(e *entry) {
	if el, ok := c.byKey[e.query]; ok && el.Value == e {
		c.evict(el)
	}
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	query, args = createRuleCanonical(query, args)
	e := c.get(ctx, query)
	if e == nil {
		return c.base.ExecContext(ctx, query, args)
	}
	e.busy = true
	res, err := e.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	e.busy = false
	if err != nil {
		c.drop(e)
	}
	return res, err
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	query, args = createRuleCanonical(query, args)
	query = idReadsPlus(query)
	e := c.get(ctx, query)
	if e == nil {
		return c.base.QueryContext(ctx, query, args)
	}
	e.busy = true
	r, err := e.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		e.busy = false
		c.drop(e)
		return nil, err
	}
	return &rows{Rows: r, c: c, e: e}, nil
}

// Close closes the kept statements, then the connection.
func (c *conn) Close() error {
	for el := c.lru.Front(); el != nil; el = el.Next() {
		el.Value.(*entry).stmt.Close()
	}
	c.lru.Init()
	clear(c.byKey)
	return c.base.Close()
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.base.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.base.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.base.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// rows gives its statement back to the cache when closed.
type rows struct {
	driver.Rows
	c      *conn
	e      *entry
	closed bool
}

func (r *rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close() // resets the statement for its next run
	r.e.busy = false
	if el, kept := r.c.byKey[r.e.query]; !kept || el.Value != r.e {
		r.e.stmt.Close() // evicted while open
	}
	return err
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *rows) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *rows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
