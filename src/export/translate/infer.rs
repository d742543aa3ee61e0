//! Type inference across passes: what a pass assumes (what earlier passes saw), what it sees,
//! and the fixpoint that makes the two agree, so nothing assumed is ever wrong.
//!
//! - A variable that takes values of two types (a second `let`, an assignment) is unknown
//!   everywhere: closures may have been translated before the assignment.
//! - A mutated array's elements are of the type pushed into it.
//! - A script function's parameters are of the types its calls pass (unknown for a function
//!   used as a value, `Fn("name")`), and a call is of the type the function returns.
//!
//! Passes start optimistic (nothing seen yet: no value) and repeat until what is seen is what
//! was assumed; if that takes too long, a last, pessimistic pass assumes nothing.

use super::{ExportResult, PyExpr, Translator};
use crate::types::{self, Returns, Ty};
use rhai::Expr;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What a pass assumes of types.
#[derive(Clone, Default)]
pub(super) struct Assumed {
    /// When false, what is not known is unknown; when true (the first passes), what no pass
    /// has seen yet has no value at all ([`Ty::Never`]), so the fixpoint is the least one.
    pub optimistic: bool,
    /// The parameters of script functions no call reaches are unknown (the last passes).
    pub uncalled_unknown: bool,
    /// Variables that take values of different types: always unknown.
    pub widened: HashSet<String>,
    /// The elements' types of the mutated arrays.
    pub elems: HashMap<String, Ty>,
    /// Script functions' parameter types, and what they return.
    pub fn_params: HashMap<String, Vec<Ty>>,
    pub fn_rets: HashMap<String, Ty>,
}

/// What a pass sees.
#[derive(Clone, Default, PartialEq)]
pub(super) struct Seen {
    pub widen: HashSet<String>,
    pub pushed: HashMap<String, Ty>,
    pub calls: HashMap<String, Vec<Ty>>,
    pub rets: HashMap<String, Ty>,
}

/// `big` holds everything `small` says: each entry is there, and joining adds nothing.
fn covers<K: std::hash::Hash + Eq, V>(
    big: &HashMap<K, V>,
    small: &HashMap<K, V>,
    leq: impl Fn(&V, &V) -> bool,
) -> bool {
    small
        .iter()
        .all(|(k, v)| big.get(k).is_some_and(|b| leq(v, b)))
}

fn ty_leq(a: &Ty, b: &Ty) -> bool {
    types::join(a, b) == *b
}

fn tys_leq(a: &[Ty], b: &[Ty]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| ty_leq(x, y))
}

fn join_into<K: std::hash::Hash + Eq + Clone, V: Clone>(
    into: &mut HashMap<K, V>,
    from: &HashMap<K, V>,
    join: impl Fn(&V, &V) -> V,
) {
    for (k, v) in from {
        let j = match into.get(k) {
            Some(old) => join(old, v),
            None => v.clone(),
        };
        into.insert(k.clone(), j);
    }
}

/// Runs passes of `pass` until what one sees is covered by what it assumed (a fixpoint,
/// reached from below: assumptions only grow, by joining what was seen).
pub(super) fn fixpoint(
    mut pass: impl FnMut(Assumed) -> ExportResult<(String, Seen)>,
) -> ExportResult<String> {
    let mut assumed = Assumed {
        optimistic: true,
        ..Assumed::default()
    };
    for n in 1.. {
        let (py, seen) = pass(assumed.clone())?;
        let before = assumed.widened.len();
        assumed.widened.extend(seen.widen.iter().cloned());
        let grew = assumed.widened.len() != before;
        if !assumed.optimistic {
            // Only widening is left: it adds names, so this ends.
            if !grew {
                return Ok(py);
            }
            continue;
        }
        let stable = !grew
            && covers(&assumed.elems, &seen.pushed, ty_leq)
            && covers(&assumed.fn_params, &seen.calls, |a, b| tys_leq(a, b))
            && covers(&assumed.fn_rets, &seen.rets, ty_leq);
        if stable {
            if assumed.uncalled_unknown {
                return Ok(py);
            }
            // Functions no call reaches: their parameters are unknown rather than empty.
            assumed.uncalled_unknown = true;
            continue;
        }
        if n >= 10 {
            assumed = Assumed {
                widened: assumed.widened,
                ..Assumed::default()
            };
            continue;
        }
        join_into(&mut assumed.elems, &seen.pushed, types::join);
        join_into(&mut assumed.fn_params, &seen.calls, |a, b| {
            if a.len() == b.len() {
                a.iter().zip(b).map(|(x, y)| types::join(x, y)).collect()
            } else {
                vec![Ty::Unknown; a.len().max(b.len())]
            }
        });
        join_into(&mut assumed.fn_rets, &seen.rets, types::join);
    }
    unreachable!("the passes end")
}

/// The translation's state before a closure is translated, to translate it again.
struct Snapshot {
    hoisted: usize,
    local_defs: usize,
    helpers: BTreeSet<&'static str>,
    seen: Seen,
    used_comments: HashSet<usize>,
    uses: (bool, bool),
}

impl Translator<'_> {
    /// Binds `name` in the innermost scope. A variable that is ever given a value of another
    /// type is unknown everywhere: this pass records it and `run` translates again.
    pub(super) fn set_ty(&mut self, name: &str, t: Ty) {
        let t = if self.assumed.widened.contains(name) {
            types::widen(t)
        } else {
            t
        };
        if let Some(s) = self.scopes.last_mut() {
            if let Some(old) = s.get(name)
                && *old != t
            {
                self.seen.widen.insert(name.to_string());
            }
            s.insert(name.to_string(), t);
        }
    }

    /// A def being translated returns a value of type `t`.
    pub(super) fn note_return(&mut self, t: &Ty) {
        if let Some(top) = self.returns.last_mut() {
            *top = Some(match top.take() {
                None => t.clone(),
                Some(old) => types::join(&old, t),
            });
        }
    }

    /// An element of type `t` goes into the array in the variable whose Python name is `code`
    /// (when it is one of the mutated arrays, whose elements' type the next pass assumes).
    pub(super) fn pushed_into(&mut self, code: &str, t: Ty) {
        let Some(name) = self
            .mutated
            .iter()
            .find(|n| self.var_name(n) == code)
            .cloned()
        else {
            return;
        };
        let joined = match self.seen.pushed.get(&name) {
            Some(old) => types::join(old, &t),
            None => t,
        };
        self.seen.pushed.insert(name, joined);
    }

    /// The elements' type assumed for a mutated array (what the previous pass saw pushed).
    pub(super) fn assumed_elems(&self, name: &str) -> Ty {
        match self.assumed.elems.get(name) {
            Some(t) => t.clone(),
            None if self.assumed.optimistic => Ty::Never,
            None => Ty::Unknown,
        }
    }

    /// `name` is assigned a value of type `t`: if that is not the type it was bound with, it
    /// is unknown (from the next pass on).
    pub(super) fn assigned(&mut self, name: &str, t: &Ty) {
        let old = self.ty_of(name);
        // A Never variable is one no pass has seen a value of yet: not a change of type.
        if old != Ty::Never && types::join(&old, t) != old && !self.assumed.widened.contains(name) {
            self.seen.widen.insert(name.to_string());
        }
    }

    /// Scopes for the two branches of `if x == () {..} else {..}` (or `!=`): where `x` is not
    /// `()`, its type without `()`.
    pub(super) fn narrowing(&self, cond: &Expr) -> (HashMap<String, Ty>, HashMap<String, Ty>) {
        let none = (HashMap::new(), HashMap::new());
        let Expr::FnCall(fc, _) = cond else {
            return none;
        };
        let negated = match fc.name.as_str() {
            "==" => false,
            "!=" => true,
            _ => return none,
        };
        let var = match fc.args.as_slice() {
            [Expr::Variable(v, _, _), Expr::Unit(_)] | [Expr::Unit(_), Expr::Variable(v, _, _)] => {
                v.1.to_string()
            }
            _ => return none,
        };
        let t = self.ty_of(&var);
        if !matches!(t, Ty::Opt(_) | Ty::Unit) || self.assumed.widened.contains(&var) {
            return none;
        }
        let narrowed: HashMap<String, Ty> = [(var, t.without_unit())].into_iter().collect();
        if negated {
            (narrowed, HashMap::new())
        } else {
            (HashMap::new(), narrowed)
        }
    }

    /// Parameter types that hold if the closure returns its accumulator's type: the state of
    /// `updateStateByKey` (what the function returns, or () at first), the combiner of
    /// `combineByKey` (what `createCombiner` returns). `prev` are the earlier arguments' types.
    pub(super) fn assumed_params(
        &self,
        name: &str,
        i: usize,
        rec: &Ty,
        prev: &[Ty],
        args: &[Expr],
    ) -> Option<(Vec<Ty>, Ty)> {
        let (_, v) = rec.pair();
        match (name, i) {
            ("combineByKey", 1 | 2) => {
                let c = prev.first()?.returns();
                let params = if i == 1 {
                    vec![c.clone(), v]
                } else {
                    vec![c.clone(), c.clone()]
                };
                Some((params, c))
            }
            ("fold", 1) => {
                // PySpark folds each partition from the zero value, then the partitions' results.
                let c = types::join(prev.first()?, rec);
                Some((vec![c.clone(), c.clone()], c))
            }
            ("updateStateByKey", 0) => {
                // The initial states (an RDD of pairs after numPartitions) are states too.
                let mut initial = Ty::Never;
                for a in args.iter().skip(1) {
                    if !matches!(a, Expr::IntegerConstant(..)) {
                        initial = types::join(&initial, &self.records_of_arg(a).pair().1);
                    }
                }
                Some((vec![Ty::SparkList(Box::new(v)), initial], Ty::Unknown))
            }
            _ => None,
        }
    }

    /// Translates a closure assuming `assumed.0` as its parameters' types, and keeps that if
    /// it then returns the accumulator type `assumed.1` (for a state: the type, or ()); else
    /// translates it again with `params`, what is known for sure.
    pub(super) fn closure_assuming(
        &mut self,
        a: &Expr,
        params: &[Ty],
        assumed: &(Vec<Ty>, Ty),
        listed: bool,
        returns: Returns,
    ) -> ExportResult<PyExpr> {
        let (mut tys, acc) = assumed.clone();
        let snap = self.snapshot();
        if acc == Ty::Unknown {
            // A state: its type is the least fixpoint of what the function returns (other
            // than ()) given a state of that type or (), starting from the initial states.
            let mut state = tys.last().cloned().unwrap_or(Ty::Never);
            for _ in 0..4 {
                if let Some(last) = tys.last_mut() {
                    *last = types::join(&state, &Ty::Unit);
                }
                let py = self.closure_arg(a, &tys, listed, returns)?;
                let next = types::join(&state, &py.ty.returns().without_unit());
                if next == state {
                    return Ok(py);
                }
                self.restore(&snap);
                if matches!(next, Ty::Unknown) {
                    break;
                }
                state = next;
            }
            return self.closure_arg(a, params, listed, returns);
        }
        let py = self.closure_arg(a, &tys, listed, returns)?;
        if py.ty.returns() == acc {
            return Ok(py);
        }
        self.restore(&snap);
        self.closure_arg(a, params, listed, returns)
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            hoisted: self.hoisted.last().map(Vec::len).unwrap_or(0),
            local_defs: self.local_defs,
            helpers: self.helpers.clone(),
            seen: self.seen.clone(),
            used_comments: self.used_comments.clone(),
            uses: (self.uses_time, self.uses_math),
        }
    }

    fn restore(&mut self, s: &Snapshot) {
        if let Some(p) = self.hoisted.last_mut() {
            p.truncate(s.hoisted);
        }
        self.local_defs = s.local_defs;
        self.helpers = s.helpers.clone();
        self.seen = s.seen.clone();
        self.used_comments = s.used_comments.clone();
        (self.uses_time, self.uses_math) = s.uses;
    }

    /// The type of a script function's parameter `i` (named `p`).
    pub(super) fn param_ty(&self, name: &str, i: usize, p: &str) -> Ty {
        if self.escaping.contains(name) || self.assumed.widened.contains(p) {
            return Ty::Unknown;
        }
        let t = match self.assumed.fn_params.get(name).and_then(|v| v.get(i)) {
            Some(t) => t.clone(),
            None if self.assumed.optimistic && !self.assumed.uncalled_unknown => Ty::Never,
            None => Ty::Unknown,
        };
        if self.mutated.contains(p) {
            // Its elements change.
            Ty::of_kind(t.kind())
        } else {
            t
        }
    }

    /// A call of the script function `name` with arguments of types `args`: the type it returns.
    pub(super) fn called(&mut self, name: &str, args: Vec<Ty>) -> Ty {
        let joined = match self.seen.calls.remove(name) {
            Some(old) if old.len() == args.len() => old
                .iter()
                .zip(&args)
                .map(|(a, b)| types::join(a, b))
                .collect(),
            _ => args,
        };
        self.seen.calls.insert(name.to_string(), joined);
        match self.assumed.fn_rets.get(name) {
            Some(t) => t.clone(),
            None if self.assumed.optimistic => Ty::Never,
            None => Ty::Unknown,
        }
    }
}
