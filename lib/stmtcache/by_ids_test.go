package stmtcache

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// A SELECT that compares its main table's key with bound values — a
// re-read of ORed ids, a record by id with its rule joined, an expansion's
// IN list — has every placeholder written +? (SQLite would otherwise
// compile the kept statement again for each run: the key's STAT4 samples);
// text in quotes is left alone; anything else is unchanged.
func TestIDReadsWrittenPlus(t *testing.T) {
	plus := []struct{ in, want string }{
		{"SELECT DISTINCT `work_orders`.* FROM `work_orders` LEFT JOIN `staff` `__auth_staff` ON `__auth_staff`.`id`=? " +
			"WHERE (`__auth_staff`.`role` = ?) AND ((`work_orders`.`id` = ? OR `work_orders`.`id` = ?) AND (`work_orders`.`status` = 'a?')) LIMIT 100",
			"SELECT DISTINCT `work_orders`.* FROM `work_orders` LEFT JOIN `staff` `__auth_staff` ON `__auth_staff`.`id`=+? " +
				"WHERE (`__auth_staff`.`role` = +?) AND ((`work_orders`.`id` = +? OR `work_orders`.`id` = +?) AND (`work_orders`.`status` = 'a?')) LIMIT 100"},
		{"SELECT `complaints`.* FROM `complaints` LEFT JOIN `units` `complaints_unit` ON `complaints_unit`.`id` = `complaints`.`unit` WHERE `complaints`.`id`=? AND (`complaints_unit`.`community` = ?) LIMIT 1",
			"SELECT `complaints`.* FROM `complaints` LEFT JOIN `units` `complaints_unit` ON `complaints_unit`.`id` = `complaints`.`unit` WHERE `complaints`.`id`=+? AND (`complaints_unit`.`community` = +?) LIMIT 1"},
		{"SELECT DISTINCT `units`.* FROM `units` WHERE (`units`.`id` IN (?, ?, ?)) AND (`units`.`community` = ?)",
			"SELECT DISTINCT `units`.* FROM `units` WHERE (`units`.`id` IN (+?, +?, +?)) AND (`units`.`community` = +?)"},
	}
	for _, c := range plus {
		if got := idReadsPlus(c.in); got != c.want {
			t.Errorf("%s\ngot  %s\nwant %s", c.in, got, c.want)
		}
	}
	for _, q := range []string{
		"SELECT `work_orders`.* FROM `work_orders` WHERE `work_orders`.`community` = ? AND `work_orders`.`status` = ?",          // no key
		"SELECT DISTINCT `work_orders`.* FROM `work_orders` LEFT JOIN `staff` `s` ON `s`.`id`=? WHERE `work_orders`.`unit` = ?", // another table's key
		"SELECT `work_orders`.* FROM `work_orders` WHERE `work_orders`.`id` = ?1",                                               // numbered
		"SELECT `work_orders`.* FROM `work_orders` WHERE `work_orders`.`id` = :id",                                              // named
		"UPDATE `work_orders` SET `status` = ? WHERE `work_orders`.`id` = ?",                                                    // not a read
		"SELECT 1",
	} {
		if got := idReadsPlus(q); got != q {
			t.Errorf("%s: changed to %s", q, got)
		}
	}
}

// Through the cache, a re-read by ids answers as the plain driver does, on
// a table with STAT4 samples, for new ids each time and for a value whose
// type the key's affinity converts (an integer bound against TEXT ids).
func TestIDReadsAnswerAsBefore(t *testing.T) {
	kept, plain := open(t, DriverName), open(t, "sqlite")
	for _, db := range []*sql.DB{kept, plain} {
		exec(t, db, "CREATE TABLE orders (id TEXT PRIMARY KEY NOT NULL, community TEXT, status TEXT)")
		exec(t, db, "CREATE INDEX idx_orders_open ON orders (community, status)")
		for i := range 500 {
			exec(t, db, "INSERT INTO orders VALUES (?, ?, ?)", fmt.Sprint(i), fmt.Sprintf("c%d", i%3), []string{"new", "closed"}[i%2])
		}
		exec(t, db, "ANALYZE")
	}
	ids := func(db *sql.DB, args ...any) string {
		terms := strings.Repeat("`orders`.`id` = ? OR ", len(args)-3) + "`orders`.`id` = ?"
		rows, err := db.Query("SELECT `orders`.* FROM `orders` WHERE ("+terms+") AND (`orders`.`community` = ? AND `orders`.`status` = ?) ORDER BY `orders`.`id`", args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id, c, s string
			if err := rows.Scan(&id, &c, &s); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		return strings.Join(got, ",")
	}
	for round := range 40 {
		args := []any{fmt.Sprint(round), round + 1, fmt.Sprint(round + 6), fmt.Sprint(round + 7), fmt.Sprintf("c%d", round%3), []string{"new", "closed"}[round%2]}
		if a, b := ids(kept, args...), ids(plain, args...); a != b {
			t.Fatalf("round %d: %q through the cache, %q without", round, a, b)
		}
	}
	if got := ids(kept, 4, "5", "c1", "new"); got != "4" {
		t.Errorf("an integer against the TEXT key: %q, want 4", got)
	}
}

// A board's re-read of 100 ids against a sampled key: through the cache
// (written +?, run as compiled) and through the plain driver, which
// compiles each run as the kept statement was compiled again before.
func BenchmarkReReadByIDs(b *testing.B) {
	for _, c := range []struct{ name, driver string }{{"kept", DriverName}, {"compiled each run", "sqlite"}} {
		b.Run(c.name, func(b *testing.B) {
			db := open(b, c.driver)
			exec(b, db, "CREATE TABLE orders (id TEXT PRIMARY KEY NOT NULL, community TEXT, status TEXT)")
			exec(b, db, "CREATE INDEX idx_orders_open ON orders (community, status)")
			for i := range 5000 {
				exec(b, db, "INSERT INTO orders VALUES (?, 'c1', 'new')", fmt.Sprintf("o%05d", i))
			}
			exec(b, db, "ANALYZE")
			q := "SELECT DISTINCT `orders`.* FROM `orders` WHERE (" + strings.Repeat("`orders`.`id` = ? OR ", 99) +
				"`orders`.`id` = ?) AND (`orders`.`community` = ? AND `orders`.`status` = ?) LIMIT 100"
			args := make([]any, 102)
			round := 0
			for b.Loop() {
				for i := range 100 {
					args[i] = fmt.Sprintf("o%05d", (round*100+i)%5000)
				}
				args[100], args[101] = "c1", "new"
				rows, err := db.Query(q, args...)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				round++
			}
		})
	}
}
