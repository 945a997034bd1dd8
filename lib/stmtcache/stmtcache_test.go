package stmtcache

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
)

func init() {
	sql.Register("sqlite_stmtcache_2", &Driver{Base: &sqlite.Driver{}, Size: 2})
}

func open(t testing.TB, driverName string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driverName, filepath.Join(t.TempDir(), "t.db")+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection: every statement meets its cache
	t.Cleanup(func() { db.Close() })
	return db
}

func exec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// cached returns the connection's kept statement for query, or nil.
func cached(t *testing.T, db *sql.DB, query string) (s any) {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Raw(func(dc any) error {
		if el, ok := dc.(*conn).byKey[query]; ok {
			s = el.Value.(*entry).stmt
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// A statement run again is the one compiled the first time, with the new
// arguments; its results are the uncached driver's.
func TestStatementsAreKeptAndRunAgain(t *testing.T) {
	db := open(t, DriverName)
	exec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
	const insert = "INSERT INTO t (v) VALUES (?)"
	exec(t, db, insert, "a")
	first := cached(t, db, insert)
	if first == nil {
		t.Fatal("the insert was not kept")
	}
	h0, _, _ := Stats()
	for i := range 50 {
		exec(t, db, insert, fmt.Sprint(i))
	}
	if h, _, _ := Stats(); h-h0 < 50 {
		t.Errorf("%d runs from the cache, want 50", h-h0)
	}
	if again := cached(t, db, insert); again != first {
		t.Error("the insert was compiled again")
	}
	var n int
	var last string
	if err := db.QueryRow("SELECT count(*), max(id) || v FROM t WHERE id = (SELECT max(id) FROM t)").Scan(&n, &last); err != nil {
		t.Fatal(err)
	}
	if n != 1 || last != "5149" {
		t.Errorf("count %d last %q", n, last)
	}
	var total int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&total); err != nil || total != 51 {
		t.Errorf("rows %d %v, want 51", total, err)
	}
}

// A query run inside the loop over the rows of the same query (a lookup
// per row, as hooks do) gets a statement of its own: both read right.
func TestSameQueryWhileItsRowsAreOpen(t *testing.T) {
	db := open(t, DriverName)
	db.SetMaxOpenConns(1)
	exec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY, parent INTEGER)")
	for i := 1; i <= 5; i++ {
		exec(t, db, "INSERT INTO t (id, parent) VALUES (?, ?)", i, i-1)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = "SELECT id, parent FROM t WHERE id >= ? ORDER BY id"
	rows, err := tx.Query(q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id, parent int
		if err := rows.Scan(&id, &parent); err != nil {
			t.Fatal(err)
		}
		var pid, pp int
		err := tx.QueryRow(q, parent).Scan(&pid, &pp) // the same text, while rows are open
		if err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%d", id, pid))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if fmt.Sprint(got) != "[1:1 2:1 3:2 4:3 5:4]" {
		t.Errorf("got %v", got)
	}
}

// Past its size a connection forgets the least recently used statement; one
// forgotten while its rows are open is closed when they are, and its rows
// read to the end.
func TestEvictionWhileRowsAreOpen(t *testing.T) {
	db := open(t, "sqlite_stmtcache_2")
	exec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	for i := 1; i <= 3; i++ {
		exec(t, db, "INSERT INTO t (id) VALUES (?)", i)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.Query("SELECT id FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		sum += id
		for k := range 3 { // three other statements: the open one is evicted
			var x int
			if err := tx.QueryRow(fmt.Sprintf("SELECT %d + id FROM t WHERE id = ?", k), id).Scan(&x); err != nil || x != k+id {
				t.Fatalf("%d %v", x, err)
			}
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if sum != 6 {
		t.Errorf("sum %d", sum)
	}
}

// A kept statement follows the schema (SQLite recompiles it), and one that
// fails is forgotten, so that it is compiled afresh next time.
func TestSchemaChanges(t *testing.T) {
	db := open(t, DriverName)
	exec(t, db, "CREATE TABLE t (a INTEGER)")
	exec(t, db, "INSERT INTO t (a) VALUES (1)")
	const q = "SELECT * FROM t"
	cols := func() int {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		c, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		return len(c)
	}
	if n := cols(); n != 1 {
		t.Fatalf("%d columns", n)
	}
	exec(t, db, "ALTER TABLE t ADD COLUMN b TEXT")
	if n := cols(); n != 2 {
		t.Errorf("after ALTER TABLE: %d columns, want 2", n)
	}
	exec(t, db, "DROP TABLE t")
	if _, err := db.Query(q); err == nil {
		t.Error("a query of a dropped table ran")
	}
	if cached(t, db, q) != nil {
		t.Error("the failed statement is still kept")
	}
	exec(t, db, "CREATE TABLE t (c INTEGER, d INTEGER, e INTEGER)")
	if n := cols(); n != 3 {
		t.Errorf("after re-creating: %d columns, want 3", n)
	}
}

// The cost the cache takes away: an insert into a table with triggers,
// compiled every time (the base driver) or once.
func BenchmarkInsertWithTriggers(b *testing.B) {
	for _, name := range []string{"sqlite", DriverName} {
		b.Run(name, func(b *testing.B) {
			db := open(b, name)
			exec(b, db, "PRAGMA synchronous = OFF") // the compile, not the disk
			exec(b, db, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v INTEGER)")
			exec(b, db, "CREATE TABLE s (k TEXT PRIMARY KEY, n INTEGER, total INTEGER)")
			for i := range 6 {
				exec(b, db, fmt.Sprintf(`CREATE TRIGGER t%d AFTER INSERT ON t BEGIN
					INSERT INTO s (k, n, total) VALUES (NEW.k || '%d', 1, NEW.v)
					ON CONFLICT (k) DO UPDATE SET n = n + 1, total = total + excluded.total; END`, i, i))
			}
			b.ResetTimer()
			for i := range b.N {
				exec(b, db, "INSERT INTO t (k, v) VALUES (?, ?)", fmt.Sprint(i%20), i)
			}
		})
	}
}

// BenchmarkValueWrittenPlus is readPlace's query (hooks/registry_places.go)
// on a table with STAT4 samples, the unit's id bound as `= ?` and as
// `= +?`: the first is compiled again before each run (the planner may
// read a sample for the value), the second runs as kept (package comment):
//
//	go test ./lib/stmtcache -run '^$' -bench ValueWrittenPlus
func BenchmarkValueWrittenPlus(b *testing.B) {
	db := open(b, DriverName)
	exec(b, db, "CREATE TABLE units (id TEXT PRIMARY KEY NOT NULL, building TEXT, community TEXT)")
	exec(b, db, "CREATE TABLE buildings (id TEXT PRIMARY KEY NOT NULL, name TEXT)")
	exec(b, db, "CREATE TABLE communities (id TEXT PRIMARY KEY NOT NULL, hot_threshold INT)")
	exec(b, db, "CREATE INDEX idx_units_building ON units (building)")
	for i := range 2000 {
		exec(b, db, "INSERT INTO units VALUES (?, ?, 'c1')", fmt.Sprintf("u%05d", i), fmt.Sprintf("b%03d", i%100))
	}
	for i := range 100 {
		exec(b, db, "INSERT INTO buildings VALUES (?, 'x')", fmt.Sprintf("b%03d", i))
	}
	exec(b, db, "INSERT INTO communities VALUES ('c1', 3)")
	exec(b, db, "ANALYZE")
	for _, c := range []struct{ name, op string }{{"bare", "= ?"}, {"plus", "= +?"}} {
		q := `SELECT u.id, u.building, u.community, b.id IS NOT NULL, c.id IS NOT NULL, IFNULL(c.hot_threshold, 0)
			FROM units u LEFT JOIN buildings b ON b.id = u.building LEFT JOIN communities c ON c.id = u.community
			WHERE u.id ` + c.op
		b.Run(c.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				var id, building, community string
				var hasB, hasC bool
				var threshold int
				if err := db.QueryRow(q, fmt.Sprintf("u%05d", i%2000)).Scan(&id, &building, &community, &hasB, &hasC, &threshold); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
