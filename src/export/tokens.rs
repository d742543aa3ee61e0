//! How centella's Rhai reads Python's `None`, `True` and `False`: one parse-time token
//! mapping, used by the script host (`script::pynames`) and by `centella export`, which must
//! read a script exactly as it runs.

use rhai::Engine;

/// `None`, `True`, `False` read as `()`, `true`, `false` (also for `centella export`).
pub fn map_python_names(engine: &mut Engine) {
    // Marked volatile (not deprecated) by Rhai; the token mapper is the parse-time hook.
    #[allow(deprecated)]
    engine.on_parse_token(|token, _pos, _state| {
        use rhai::Token;
        match &token {
            Token::Identifier(name) => match name.as_str() {
                "None" => Token::Unit,
                "True" => Token::True,
                "False" => Token::False,
                _ => token,
            },
            _ => token,
        }
    });
}
