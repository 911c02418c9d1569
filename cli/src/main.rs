//! `palmbid`: the desktop host of the phone-certificate core.

fn main() {
    println!("palmbid");
}
