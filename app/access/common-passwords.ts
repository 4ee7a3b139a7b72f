/**
 * Passwords of twelve or more characters that appear near the top of public breach-frequency
 * lists (and their local variants). A password on this list is refused whatever its length.
 * Compared case-insensitively.
 */
export const COMMON_PASSWORDS = new Set(
  [
    "123456789012", "1234567890123", "12345678901234", "123456789123", "111111111111", "000000000000",
    "123123123123", "qwertyuiopas", "qwertyuiop123", "qwerty123456", "qwertyqwerty", "1q2w3e4r5t6y",
    "1qaz2wsx3edc", "zaq12wsxcde3", "asdfghjkl123", "password1234", "password12345", "password123456",
    "passwordpassword", "password!123", "p@ssw0rd1234", "p@ssword1234", "passw0rd1234", "iloveyou1234",
    "abcdefghijkl", "abc123abc123", "abcd1234abcd", "letmein12345", "welcome12345", "welcome123456",
    "administrator", "administrator1", "admin1234567", "adminadmin123", "changeme1234", "trustno1trustno1",
    "football1234", "baseball1234", "superman1234", "princess1234", "sunshine1234", "starwars1234",
    "monkey123456", "dragon123456", "master123456", "whatever1234", "internet1234", "computer1234",
    "lösenord1234", "losenord1234", "lösenord12345", "losenord12345", "lösenordet123", "sommar2024!!",
    "sommar123456", "vinter123456", "hejhej123456", "sverige12345", "sverige123456", "stockholm123",
    "stockholm1234", "göteborg1234", "goteborg1234", "malmö1234567", "kommunen1234", "kommun123456",
    "välkommen123", "valkommen123", "välkommen1234", "valkommen1234", "hemligt12345", "hemlighet123",
    "qwertyuiopå", "asdfghjklöä", "1234567890qwerty", "qwerty1234567890", "correcthorsebatterystaple",
    "thisismypassword", "mypassword123", "mysecretpassword", "secretpassword", "supersecret123",
    "summer2024!!", "winter2024!!", "spring2024!!", "autumn2024!!", "summer2025!!", "winter2025!!",
    "sommar2025!!", "vinter2025!!", "sommar2026!!", "vinter2026!!", "password2024", "password2025",
    "password2026", "lösenord2024", "lösenord2025", "lösenord2026", "leverantör123", "leverantor123",
  ].map((p) => p.toLowerCase()),
);
