package dev.workflow.store;

import jakarta.persistence.EntityManager;

import org.springframework.data.jpa.repository.support.JpaRepositoryFactory;

/**
 * Creates the store's Spring Data JPA repositories, without the application's repository scan (which would look into
 * the application's packages, and which an application may configure for its own repositories).
 */
final class JpaRepositories {

	private JpaRepositories() {
	}

	/**
	 * Creates a repository. Its proxy is defined in the class loader of its (package-private) interface, not in the
	 * thread's context class loader, which may be another one (a restart class loader of DevTools, a filtered one in
	 * tests) and could not define a proxy of a non-public interface.
	 * @param <T> the repository's type
	 * @param entityManager the entity manager it uses
	 * @param type its interface
	 * @return the repository
	 */
	static <T> T create(EntityManager entityManager, Class<T> type) {
		JpaRepositoryFactory factory = new JpaRepositoryFactory(entityManager);
		factory.setBeanClassLoader(type.getClassLoader());
		return factory.getRepository(type);
	}

}
