package hooks

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/stmtcache"
)

// DataMaxOpenConns and DataMaxIdleConns size the data database's pool of
// read connections (PocketBase's defaults: 120 and 15). Every SQLite
// connection keeps memory outside Go's heap — its own parsed copy of the
// schema (some 70 collections with their indexes and the summaries'
// triggers), its kept statements (lib/stmtcache), and some 15–25 MB after it
// has served a list of a few hundred records on the big tables — for as
// long as it stays open. With 120 connections 1,100 realtime clients
// re-reading what changed took the server to a peak of 436 MiB; on 2 cores
// more than about ten queries at once only wait for each other.
//
// As many stay idle as may be open: a connection closed when the pool has
// more idle than it keeps is opened again by the next burst, and opening one
// reads the whole schema and the planner's statistics and starts with no
// compiled statements — under the realtime benchmark's load, with 6 of 24
// kept, the server spent more time opening connections than running most
// queries (BENCHMARKS.md § Realtime). A request beyond the tenth waits for
// a connection instead. main.go and the bench server give them to
// pocketbase.Config.
const (
	DataMaxOpenConns = 10
	DataMaxIdleConns = 10
)

// DBConnect opens a database as PocketBase's default does (the same
// pragmas, modernc.org/sqlite), through lib/stmtcache: each connection keeps
// the statements it has compiled instead of compiling every statement anew,
// which took a quarter of the server's CPU (BENCHMARKS.md § Realtime).
// main.go, the bench server and the tests' app give it to PocketBase.
func DBConnect(dbPath string) (*dbx.DB, error) {
	// As core.DefaultDBConnect (PocketBase v0.40.4): busy_timeout first, so
	// that a connection waits rather than fails while another sets WAL. The
	// page cache is 8 MB a connection instead of 32: all ten read
	// connections stay open (DataMaxIdleConns), and with 32 MB each the
	// server reached 632 MiB in the realtime benchmark; the operating
	// system's cache keeps the pages the connections let go.
	const pragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-8000)&_defensive=1"
	pageCacheOnce.Do(configurePageCache)
	db, err := sql.Open(stmtcache.DriverName, dbPath+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	return dbx.NewFromDB(db, "sqlite"), nil
}

// PageCacheMB is the memory SQLite's page caches draw their pages from
// first (WUYE_SQLITE_PAGECACHE_MB overrides it; 0 turns it off), shared by
// every connection of the process. Without it each cached page is a malloc
// of its own in modernc's allocator (4 KiB page + SQLite's header, rounded
// up to an 8 KiB slot) and, as in WAL mode a connection empties its cache
// whenever another has written since its last read, 100 changes a second
// made every read connection free and take again its whole cache: the
// allocator handed the emptied 64 KiB blocks back to the system and mapped
// them again — munmap alone took 30% of the server's CPU in the realtime
// benchmark's re-reading phase (BENCHMARKS.md § Realtime). With the shared
// buffer a page is a slot taken from and given back to one list, and costs
// 4.3 KiB instead of 8. When the buffer is used up SQLite mallocs as
// before, so a larger working set only costs what it did.
const PageCacheMB = 48

// pageCacheOnce: SQLite takes the setting only before its first connection,
// so it is made when the package loads, before any code of the program (or
// of a test) can open one; DBConnect makes sure of it again.
var pageCacheOnce sync.Once

func init() { pageCacheOnce.Do(configurePageCache) }

// pageCacheErr is why the shared page buffer is not in use ("" if it is).
var pageCacheErr = "not configured"

// pageCacheMB is the buffer's size once configured.
var pageCacheMB int

// configurePageCache gives SQLite its page buffer
// (SQLITE_CONFIG_PAGECACHE): slots of a page of 4 KiB plus SQLite's headers
// (SQLITE_CONFIG_PCACHE_HDRSZ). It must run before the process opens its
// first SQLite connection; later SQLite refuses it (SQLITE_MISUSE) and
// nothing changes.
func configurePageCache() {
	mb := PageCacheMB
	if v, err := strconv.Atoi(os.Getenv("WUYE_SQLITE_PAGECACHE_MB")); err == nil && v >= 0 {
		mb = v
	}
	if mb == 0 {
		pageCacheErr = "off"
		return
	}
	tls := libc.NewTLS()
	defer tls.Close()
	args := libc.Xmalloc(tls, types.Size_t(3*unsafe.Sizeof(uintptr(0))))
	hdr := libc.Xcalloc(tls, 1, 8)
	if args == 0 || hdr == 0 {
		pageCacheErr = "out of memory"
		return
	}
	defer libc.Xfree(tls, args)
	defer libc.Xfree(tls, hdr)
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, libc.VaList(args, hdr)); rc != sqlite3.SQLITE_OK {
		pageCacheErr = fmt.Sprintf("SQLITE_CONFIG_PCACHE_HDRSZ: %d", rc)
		return
	}
	at := hdr // SQLite wrote an int into the zeroed 8 bytes; VaInt32 reads them
	slot := (4096 + int(libc.VaInt32(&at)) + 7) &^ 7
	n := mb << 20 / slot
	// The buffer lives as long as the process: SQLite keeps using it.
	buf := libc.Xmalloc(tls, types.Size_t(n*slot))
	if buf == 0 {
		pageCacheErr = "out of memory"
		return
	}
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, libc.VaList(args, buf, int32(slot), int32(n))); rc != sqlite3.SQLITE_OK {
		libc.Xfree(tls, buf)
		pageCacheErr = fmt.Sprintf("SQLITE_CONFIG_PAGECACHE: %d (a connection was opened before)", rc)
		return
	}
	pageCacheErr, pageCacheMB = "", mb
}

// dbOptimizeJob is PocketBase's own nightly database maintenance job.
const dbOptimizeJob = "__pbDBOptimize__"

// DBOptimizePragma is what the nightly maintenance runs instead of
// PocketBase's plain `PRAGMA optimize`: ANALYZE every table whose size has
// changed a lot since its statistics were gathered (0x10000: all tables, not
// only those queried on this connection; 0x02: analyze), reading all of it.
// PocketBase's default (0xfffe) analyzes a sample of at most a couple of
// thousand rows, which on a table of a million rows can make an index look
// selective when it is not: the page lists then walk years of history
// instead of the few open documents (issue #10, cmd/bench). Migration 0025
// gathers full statistics once; this keeps them true as the tables grow.
const DBOptimizePragma = "PRAGMA optimize = 0x10002"

// registerDBMaintenance replaces PocketBase's nightly maintenance job (same id, same
// schedule — midnight in office time, the cron's timezone) with one that
// keeps full statistics.
func registerDBMaintenance(app core.App) {
	app.Cron().MustAdd(dbOptimizeJob, "0 0 * * *", func() { OptimizeDB(app) })
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if pageCacheErr == "" {
			se.App.Logger().Info("SQLite page buffer", "MB", pageCacheMB)
		} else {
			se.App.Logger().Warn("SQLite page buffer not in use", "why", pageCacheErr)
		}
		if se.Server != nil { // a test's router has none
			startWALCheckpointer(se.App)
		}
		return se.Next()
	})
}

// walCheckpointEvery is how often the server checkpoints the main
// database's write-ahead log off the write lock.
const walCheckpointEvery = 250 * time.Millisecond

// walRestartFrames is the log's length, in frames (pages), past which the
// checkpointer makes sure the log starts over: SQLite's own automatic
// checkpoint starts at 1,000.
var walRestartFrames = 1000

// walRestartQueued is how many requests must be waiting to write for the
// checkpointer to take a turn of the write queue (checkpointWAL): half of
// 16 concurrent.
var walRestartQueued = 8

// walTurnDueTicks is how many ticks in a row a turn must be due before the
// checkpointer takes it (checkpointWAL; the fourth tick comes 0.75 s after
// the first, about a second of backlog): a backlog that lasts,
// as under a closed loop of writers, and not the moments a steady rate
// falls behind while the disk syncs slowly. Taken at once, the turn landed
// in those moments and its own syncs were as slow: in 5 of 10 runs of the
// jobs benchmark the slowest requests at 200 complaint creates a second
// waited 113–537 ms behind turns of up to 184 ms; with the count, none
// waited behind a turn in 5 runs, and 16 concurrent creates kept their rate
// (BENCHMARKS.md, "Cron jobs on the 1M-row history", session 21). Since
// the log file keeps its size (writeConnectionPragmas), a log that grows
// for a second writes over the file's pages once the file has been that
// long, not into new space.
var walTurnDueTicks = 4

// writeConnectionPragmas are the write connection's settings while the
// server serves (startWALCheckpointer).
//
// journal_size_limit = -1: the log file keeps its size when the log starts
// over. With PocketBase's 200 MB limit, the first commit after the log
// starts over cuts the file back to 200 MB, inside that commit and under the
// write lock, while the kernel drops every page cut off: that commit took
// 96 ms for a log of 403 MB and 358 ms for one of 910 MB, against under 1 ms
// with the file kept. A steady 200 creates a second grows the log by some
// 20 MB a second until a backlog lets it start over, and this was the
// 190–270 ms job commit of every complaint phase of the jobs benchmark
// (BENCHMARKS.md, "Cron jobs on the 1M-row history", session 19). The
// next commits then write over the file's pages instead of growing it
// again. The file shrinks at night (OptimizeDB's TRUNCATE checkpoint) or,
// with Litestream, by Litestream's own checkpoints; until then it keeps the
// size of the day's longest log.
var writeConnectionPragmas = []string{
	"PRAGMA wal_autocheckpoint = 0",
	"PRAGMA journal_size_limit = -1",
}

// startWALCheckpointer moves the main database's WAL checkpoints off the
// write lock while the app serves. SQLite's automatic checkpoint runs inside
// the commit that finds the log past wal_autocheckpoint pages (1,000), under
// the write lock; once the log cannot restart (a read under way) every later
// commit ran it again, copying its pages into the database file and syncing
// both files while the requests waiting to write waited (BENCHMARKS.md,
// "Cron jobs on the 1M-row history": commits of a job's batch of 185–400 ms
// on a loaded machine). So the server turns it off on its write connection
// and instead checkpoints every walCheckpointEvery from a connection of the
// read pool (checkpointWAL). Other uses of the database (commands, the
// demo loader, the tests) keep the automatic checkpoint.
//
// The setting belongs to the connection, and PocketBase closes its write
// connection after 3 idle minutes; the next one opened had SQLite's
// automatic checkpoint again, and on the 1M-row history a commit ran it
// for 710 ms (BENCHMARKS.md, "Cron jobs on the 1M-row history", session 12).
// So while it serves the write connection is kept open.
func startWALCheckpointer(app core.App) {
	if db, ok := app.NonconcurrentDB().(*dbx.DB); ok {
		db.DB().SetConnMaxIdleTime(0)
		db.DB().SetConnMaxLifetime(0)
	}
	for _, pragma := range writeConnectionPragmas {
		if _, err := app.NonconcurrentDB().NewQuery(pragma).Execute(); err != nil {
			app.Logger().Warn("write connection", slog.String("pragma", pragma), slog.String("error", err.Error()))
		}
	}
	ctx, stop := context.WithCancel(context.Background())
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		stop()
		return e.Next()
	})
	gate := checkpointGateOf(app)
	go func() {
		t := time.NewTicker(walCheckpointEvery)
		defer t.Stop()
		skipped, last := 0, walTick{}
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if !gate.TryLock() {
					if skipped++; skipped < checkpointSkipsMax {
						continue
					}
					gate.Lock()
				}
				skipped = 0
				last = checkpointWAL(ctx, app, last)
				gate.Unlock()
			}
		}
	}()
}

// checkpointWAL copies the log's pages back into the database file, and
// under a backlog of writes makes sure the log starts over.
//
// First a passive checkpoint with no lock held: it copies the pages the
// commits since the last one wrote and syncs the file while requests go on
// writing. With nothing new it only reads the log's index.
//
// SQLite starts the log over at a write whose transaction began when every
// frame was already copied. While requests write back to back that never
// happens: when a checkpoint ends the next request's transaction is already
// under way, begun while there was still something to copy, and by its
// commit there is again. At 16 concurrent complaint creates the log grew by
// 43 MB a second to 856 MB in 20 s, every frame going to new file space,
// and a complaint took 6.1–7.5 ms of CPU instead of 4.2–5.6 (BENCHMARKS.md,
// "Creates", sessions 15–16). So when the log is past walRestartFrames,
// has not started over since the last tick (last.frames, shorter if it
// did) and at least walRestartQueued requests wait to write, a second
// passive checkpoint copies the rest in a turn of the write queue
// (writeQueue), on the write connection, while no request writes; the next
// write starts the log from its beginning, unless a read still uses it.
// The jobs' batches wait too: the caller holds checkpointGateOf.
//
// The turn costs the requests behind it some 20–40 ms, the checkpoint's
// two syncs of the disk, however little it copies. With a backlog they wait
// for each other anyway and the turn pays for itself in cheaper commits;
// at a steady 200 creates a second, with a turn every other tick, a few
// requests in a hundred waited for one and the p99 doubled (2.1–2.75 ×
// plain PocketBase's). With fewer requests waiting the log may grow until
// the writes leave a gap.
//
// The turn is taken only when it has been due walTurnDueTicks ticks in a
// row: a backlog that lasts.
func checkpointWAL(ctx context.Context, app core.App, last walTick) walTick {
	start := time.Now()
	frames, err := passiveCheckpoint(app.ConcurrentDB())
	end := time.Now()
	observe := func(job string, asked, began, end time.Time) {
		if fn, ok := observing(); ok {
			fn(WriteTiming{Job: job, Arrived: asked, Asked: asked, Began: began, Worked: end, Done: end})
		}
	}
	observe(CheckpointTiming, start, start, end)
	if err != nil {
		app.Logger().Debug("wal checkpoint", slog.String("error", err.Error()))
		return walTick{frames: frames}
	}
	q := writeQueueOf(app)
	if frames < walRestartFrames || frames < last.frames || q.waitingNow() < walRestartQueued {
		return walTick{frames: frames}
	}
	if due := last.due + 1; due < walTurnDueTicks {
		return walTick{frames: frames, due: due}
	}
	if q.enter(ctx) != nil {
		return walTick{frames: frames} // the server stops
	}
	began := time.Now()
	_, _ = passiveCheckpoint(app.NonconcurrentDB())
	q.leave()
	observe(CheckpointTurnTiming, end, began, time.Now())
	return walTick{frames: frames}
}

// walTick is what one tick of the checkpointer leaves for the next.
type walTick struct {
	frames int // the log's length, in frames
	due    int // the ticks in a row a turn was due but not yet taken
}

// passiveCheckpoint runs a passive checkpoint of the main database on a
// connection of db and returns the log's length in frames.
func passiveCheckpoint(db dbx.Builder) (frames int, err error) {
	var busy, copied int // busy: a read kept it from copying all
	err = db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Row(&busy, &frames, &copied)
	return frames, err
}

// checkpointSkipsMax is how many ticks in a row the checkpointer lets a
// job's batch go first before it waits for one to end: a job rests between
// its batches, so it rarely has to.
const checkpointSkipsMax = 8

// checkpointGateKey is the app store's key of its checkpointGate.
const checkpointGateKey = "wuye_checkpoint_gate"

// checkpointGateOf is held by the server's checkpointer while it
// checkpoints and by a job's batch from asking for the write connection to
// its commit, so that the two never overlap. A checkpoint syncs the
// database file, and a commit that writes many pages to the log meanwhile
// waits on that disk: a job's batch of a few dozen rows committed in up to
// 38 ms while the checkpointer ran, keeping the requests behind it waiting
// (BENCHMARKS.md, "Cron jobs on the 1M-row history", session 13). A
// request's own commit writes a few pages and is not held back: the
// checkpointer skips its tick while a batch is open (and a job rests
// between its batches), and a batch waits for a checkpoint under way,
// holding nothing meanwhile.
func checkpointGateOf(app core.App) *sync.Mutex {
	return app.Store().GetOrSet(checkpointGateKey, func() any { return &sync.Mutex{} }).(*sync.Mutex)
}

// OptimizeDB checkpoints both databases' write-ahead logs and refreshes the
// planner statistics of the tables that need it, in full.
func OptimizeDB(app core.App) {
	if _, err := app.NonconcurrentDB().NewQuery(checkpointPragma(app.NonconcurrentDB())).Execute(); err != nil {
		app.Logger().Warn("wal checkpoint of the main database", slog.String("error", err.Error()))
	}
	if _, err := app.AuxNonconcurrentDB().NewQuery(checkpointPragma(app.AuxNonconcurrentDB())).Execute(); err != nil {
		app.Logger().Warn("wal checkpoint of the auxiliary database", slog.String("error", err.Error()))
	}
	if _, err := app.NonconcurrentDB().NewQuery(DBOptimizePragma).Execute(); err != nil {
		app.Logger().Warn("nightly optimize", slog.String("error", err.Error()))
	}
}

// checkpointPragma is the nightly checkpoint of db: TRUNCATE, which also
// shrinks the log file, unless Litestream replicates the database
// (deploy/README.md). Litestream keeps a read transaction open so that no
// frame is checkpointed before it is shipped; a TRUNCATE checkpoint then
// waits out the whole busy timeout on the write connection, stalling every
// write for ~10 s, and gives up. A PASSIVE one copies what it may and never
// waits; Litestream checkpoints the rest itself. Litestream marks a database
// it replicates with its _litestream_seq table.
func checkpointPragma(db dbx.Builder) string {
	var n int
	_ = db.NewQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_litestream_seq'").Row(&n)
	if n > 0 {
		return "PRAGMA wal_checkpoint(PASSIVE)"
	}
	return "PRAGMA wal_checkpoint(TRUNCATE)"
}
