/** Pier's logo: a pier's deck on pylons over water, in the accent colour. */
export function PierMark() {
  return (
    <svg className="pier-mark" viewBox="0 0 24 24" aria-hidden="true">
      <rect x="1" y="1" width="22" height="22" rx="6" fill="var(--accent)" />
      <path d="M5 9.5h14" stroke="#fff" strokeWidth="2" strokeLinecap="round" />
      <path d="M8 9.5v6M12 9.5v6M16 9.5v6" stroke="#fff" strokeWidth="1.6" strokeLinecap="round" />
      <path
        d="M5 17.5c1.2-.9 2.3-.9 3.5 0s2.3.9 3.5 0 2.3-.9 3.5 0 2.3.9 3.5 0"
        stroke="#fff"
        strokeWidth="1.3"
        fill="none"
        strokeLinecap="round"
        opacity=".75"
      />
    </svg>
  );
}
