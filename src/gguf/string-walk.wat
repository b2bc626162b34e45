;; The hot loop of skipping a GGUF string array (lazy-array.ts), as WebAssembly: cold JavaScript walked the
;; 650k strings of a gpt-oss vocabulary at 10–190 ns each, most of the time of opening the file; this runs at
;; ~5 ns from the first call. Compiled by scripts/build-wasm.mjs into string-walk-wasm.ts.
;;
;; walk(p, end, n, i): from byte p (item i of n), step over items while each is a short string (length < 128,
;; high word 0) lying wholly before end. Returns the index of the first item not stepped over (n when all
;; were); the global `stop` is its byte offset. Anything else (a long string, a bad length, the window's end)
;; is left to the JavaScript caller.
(module
  (import "env" "memory" (memory 0))
  (global $stop (export "stop") (mut i32) (i32.const 0))
  (func (export "walk") (param $p i32) (param $end i32) (param $n i32) (param $i i32) (result i32)
    (local $len i32)
    (block $out
      (loop $next
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (br_if $out (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
        (local.set $len (i32.load align=1 (local.get $p)))
        (br_if $out (i32.ge_u (local.get $len) (i32.const 128)))
        (br_if $out (i32.ne (i32.load offset=4 align=1 (local.get $p)) (i32.const 0)))
        (br_if $out (i32.gt_u (i32.add (i32.add (local.get $p) (i32.const 8)) (local.get $len)) (local.get $end)))
        (local.set $p (i32.add (i32.add (local.get $p) (i32.const 8)) (local.get $len)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $stop (local.get $p))
    (local.get $i)))
