package main

// The capacity section's estate: a company's communities of
// peakDay.CommunitySize households each, with a modest history per
// household (two quarters of bills, the current one just issued; a repair
// and a quarter of a complaint over two years). It is generated once by
// the bench generator as one large community and then split by raw SQL
// into communities of whole buildings, each with its own fee items,
// service items, areas and policies (copies of the demo community's) and
// its own staff: a front desk, a cashier, a supervisor and technicians.

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/demo"
	"wuye/hooks"
	"wuye/migrations"
)

// estateMeta describes a generated capacity estate.
type estateMeta struct {
	Households    int       `json:"households"`
	CommunitySize int       `json:"community_size"`
	Techs         int       `json:"techs_per_community"`
	Communities   []string  `json:"communities"` // ids, the demo community first
	GeneratedAt   time.Time `json:"generated_at"`
	GenSeconds    float64   `json:"generate_seconds"`
}

const estateMetaFile = "capacity-estate.json"

// estateSizes is the history of an estate of n households.
func estateSizes(n int) Sizes {
	return Sizes{Units: n, Complaints: n / 4, WorkOrders: n, Bills: 6 * n}
}

// ensureEstate returns the directory of an estate of n households in
// communities of size, generating it unless dir already holds one.
func (b *Bench) ensureEstate(dir string, n, size, techs int) (*estateMeta, error) {
	var meta estateMeta
	if raw, err := os.ReadFile(filepath.Join(dir, estateMetaFile)); err == nil && !b.opts.rebuild {
		if json.Unmarshal(raw, &meta) == nil && meta.Households == n && meta.CommunitySize == size && meta.Techs == techs {
			b.Logf("reusing the estate in %s (%d households in %d communities, generated %s)", dir, n, len(meta.Communities), meta.GeneratedAt.Format(time.DateTime))
			return &meta, nil
		}
		b.Logf("the estate in %s is of another size: generating again", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	t := time.Now()
	if _, err := b.generate(dir, estateSizes(n)); err != nil {
		return nil, fmt.Errorf("generate estate: %w", err)
	}
	app, err := b.OpenApp(dir)
	if err != nil {
		return nil, err
	}
	defer app.ClearBootstrap()
	ts := time.Now()
	comms, err := splitEstate(app, size, techs)
	if err != nil {
		return nil, fmt.Errorf("split the estate into communities: %w", err)
	}
	b.Logf("split the estate into %d communities of %d households in %.1f s", len(comms), size, time.Since(ts).Seconds())
	meta = estateMeta{Households: n, CommunitySize: size, Techs: techs, Communities: comms, GeneratedAt: time.Now(), GenSeconds: time.Since(t).Seconds()}
	raw, _ := json.MarshalIndent(meta, "", "  ")
	return &meta, os.WriteFile(filepath.Join(dir, estateMetaFile), raw, 0o644)
}

// trades are the technicians' trades of the generated staff.
var trades = []string{"electrical", "plumbing", "carpentry", "appliance", "cleaning", "locksmith"}

// splitEstate moves the generated buildings (100 units each) into
// communities of size households and gives each its configuration and
// staff. It returns the communities' ids in order.
func splitEstate(app core.App, size, techs int) ([]string, error) {
	if size%100 != 0 {
		return nil, fmt.Errorf("community size %d is not a whole number of 100-unit buildings", size)
	}
	nc, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return nil, errors.New("unexpected DB type")
	}
	db := nc.DB()
	var first string
	if err := db.QueryRow("SELECT id FROM communities WHERE code = ?", demo.CommunityCode).Scan(&first); err != nil {
		return nil, err
	}
	var buildings []string
	if err := app.DB().NewQuery("SELECT id FROM buildings WHERE id LIKE 'bb%' ORDER BY id").Column(&buildings); err != nil {
		return nil, err
	}
	per := size / 100
	k := (len(buildings) + per - 1) / per
	var hash string
	if err := db.QueryRow("SELECT password FROM residents WHERE email = 'owner1@example.com'").Scan(&hash); err != nil {
		return nil, err
	}
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The summaries' triggers are off while the rows move (the summaries
	// are rebuilt at the end), as the generator has them off.
	var triggers []string
	if err := func() error {
		rows, err := tx.Query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL")
		if err != nil {
			return err
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n, q string
			if err := rows.Scan(&n, &q); err != nil {
				return err
			}
			names, triggers = append(names, n), append(triggers, q)
		}
		rows.Close()
		for _, n := range names {
			if _, err := tx.Exec(fmt.Sprintf("DROP TRIGGER %q", n)); err != nil {
				return err
			}
		}
		return nil
	}(); err != nil {
		return nil, err
	}
	// The configuration a community has: copied from the demo community.
	config := []string{"fee_items", "service_items", "areas", "sla_policies", "kpi_targets"}
	comms := []string{first}
	idMap := make([]map[string]string, k) // per community: old config id → new
	idMap[0] = map[string]string{}
	now := ts(time.Now())
	for c := 1; c < k; c++ {
		m, err := cloneRows(tx, "communities", "id = ?", []any{first}, map[string]any{
			"code": fmt.Sprintf("C%03d", c), "name": fmt.Sprintf("翠湖第%d小区", c+1), "created": now, "updated": now}, c, 0)
		if err != nil {
			return nil, err
		}
		id := m[first]
		comms = append(comms, id)
		idMap[c] = map[string]string{}
		for i, t := range config {
			if !hasColumn(tx, t, "community") {
				continue
			}
			m, err := cloneRows(tx, t, "community = ?", []any{first}, map[string]any{"community": id}, c, i+1)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t, err)
			}
			for o, n := range m {
				idMap[c][o] = n
			}
		}
	}
	for c := 1; c < k; c++ {
		lo, hi := buildings[c*per], "bc"
		if (c+1)*per < len(buildings) {
			hi = buildings[(c+1)*per]
		}
		if _, err := tx.Exec("UPDATE buildings SET community = ? WHERE id >= ? AND id < ?", comms[c], lo, hi); err != nil {
			return nil, err
		}
	}
	// old configuration id → the community's copy, for one UPDATE per table.
	if _, err := tx.Exec("CREATE TEMP TABLE capmap (community TEXT, old TEXT, new TEXT, PRIMARY KEY (community, old))"); err != nil {
		return nil, err
	}
	for c := 1; c < k; c++ {
		for o, n := range idMap[c] {
			if _, err := tx.Exec("INSERT INTO capmap VALUES (?, ?, ?)", comms[c], o, n); err != nil {
				return nil, err
			}
		}
	}
	if _, err := tx.Exec("UPDATE buildings SET area = m.new FROM capmap m WHERE m.community = buildings.community AND m.old = buildings.area"); err != nil {
		return nil, err
	}
	if _, err := tx.Exec("UPDATE units SET community = (SELECT b.community FROM buildings b WHERE b.id = units.building) WHERE id LIKE 'bu%'"); err != nil {
		return nil, err
	}
	// Every document of a unit follows its unit.
	tables, err := tablesWith(tx, "community", "unit")
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if t == "units" {
			continue
		}
		if _, err := tx.Exec(fmt.Sprintf("UPDATE %q SET community = (SELECT u.community FROM units u WHERE u.id = %q.unit) WHERE unit LIKE 'bu%%'", t, t)); err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
	}
	// … and refers to its own community's fee and service items.
	for _, u := range [][2]string{{"bills", "fee_item"}, {"work_orders", "service_item"}} {
		if _, err := tx.Exec(fmt.Sprintf("UPDATE %[1]s SET %[2]s = m.new FROM capmap m WHERE m.community = %[1]s.community AND m.old = %[1]s.%[2]s", u[0], u[1])); err != nil {
			return nil, err
		}
	}
	if _, err := tx.Exec("DROP TABLE capmap"); err != nil {
		return nil, err
	}
	// Each community's own staff.
	ins, err := tx.Prepare(`INSERT INTO staff (id, email, emailVisibility, verified, password, tokenKey, name, phone, role, communities, active, skills, created, updated)
		VALUES (?, ?, FALSE, TRUE, ?, ?, ?, ?, ?, ?, TRUE, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	defer ins.Close()
	for c, id := range comms {
		cj, _ := json.Marshal([]string{id})
		roles := []string{"front_desk", "cashier", "supervisor"}
		for range techs {
			roles = append(roles, "technician")
		}
		for i, role := range roles {
			skills := "[]"
			if role == "technician" {
				t := i - 3
				s, _ := json.Marshal([]string{trades[t%len(trades)], trades[(t+1+t/len(trades))%len(trades)]})
				skills = string(s)
			}
			sid := fmt.Sprintf("bk%03d%010d", c, i)
			if _, err := ins.Exec(sid, fmt.Sprintf("c%03d-%02d-%s%s", c, i, role, benchDomain), hash, fmt.Sprintf("%050d", c*1000+i),
				fmt.Sprintf("%d区员工%02d", c+1, i), phone("173", c*1000+i), role, string(cj), skills, now, now); err != nil {
				return nil, fmt.Errorf("staff: %w", err)
			}
		}
	}
	for _, q := range triggers {
		if _, err := tx.Exec(q); err != nil {
			return nil, fmt.Errorf("trigger: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if err := migrations.RebuildSummaries(app); err != nil {
		return nil, err
	}
	if err := migrations.RebuildResidentPlaces(app); err != nil {
		return nil, err
	}
	for _, q := range []string{hooks.DBOptimizePragma, "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := db.Exec(q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return comms, nil
}

// cloneRows copies the rows of table matching where with new ids (15
// characters, from the community number c and the table number t) and the
// columns in set replaced; it returns old id → new id.
func cloneRows(tx *sql.Tx, table, where string, args []any, set map[string]any, c, t int) (map[string]string, error) {
	rows, err := tx.Query(fmt.Sprintf("SELECT * FROM %q WHERE %s", table, where), args...)
	if err != nil {
		return nil, err
	}
	cols, _ := rows.Columns()
	var all [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, vals)
	}
	rows.Close()
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = fmt.Sprintf("%q", c)
	}
	stmt := fmt.Sprintf("INSERT INTO %q (%s) VALUES (%s)", table, strings.Join(quoted, ", "), strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", "))
	out := map[string]string{}
	for n, vals := range all {
		var old string
		for i, col := range cols {
			switch v, ok := set[col]; {
			case col == "id":
				old = fmt.Sprint(vals[i])
				if b, ok := vals[i].([]byte); ok {
					old = string(b)
				}
				vals[i] = fmt.Sprintf("bx%02d%03d%08d", t, c, n)
			case ok:
				vals[i] = v
			}
		}
		if _, err := tx.Exec(stmt, vals...); err != nil {
			return nil, err
		}
		out[old] = fmt.Sprint(vals[slicesIndex(cols, "id")])
	}
	return out, nil
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func hasColumn(tx *sql.Tx, table, col string) bool {
	var n int
	tx.QueryRow("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", table, col).Scan(&n)
	return n > 0
}

// tablesWith lists the tables that have every one of cols.
func tablesWith(tx *sql.Tx, cols ...string) ([]string, error) {
	rows, err := tx.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	var out []string
	for _, n := range names {
		all := true
		for _, c := range cols {
			all = all && hasColumn(tx, n, c)
		}
		if all {
			out = append(out, n)
		}
	}
	return out, nil
}
